using Microsoft.Extensions.Logging;
using PvBoot.Shim.Logging;

namespace PvBoot.Shim.Tests.Logging;

/// <summary>The level filter comes first; the Microsoft.Extensions.Logging pipeline is built for the first message through it.</summary>
[TestFixture]
public sealed class DeferredLoggerTests
{
    [Test]
    public void FilteredMessagesBuildNothingAndWriteNothing()
    {
        var text = new StringWriter();
        using var logger = new DeferredLogger(text, debug: false, "pygrub");
        logger.LogDebug("parsed {Count} entries", 3);
        logger.LogInformation("chose {Entry}", 0);
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.Empty);
            Assert.That(logger.Built, Is.False);
        });
    }

    [Test]
    public void AWarningGoesThroughTheStandardErrorProvider()
    {
        var text = new StringWriter();
        using var logger = new DeferredLogger(text, debug: false, "pygrub");
        logger.LogWarning("namespaces unavailable ({Problem})", "EPERM");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo("warn: pygrub[0] namespaces unavailable (EPERM)" + Environment.NewLine));
            Assert.That(logger.Built, Is.True);
        });
    }

    [Test]
    public void DebugLowersTheFilter()
    {
        var text = new StringWriter();
        using var logger = new DeferredLogger(text, debug: true, "pygrub");
        logger.LogDebug("deprivileged: uid {Uid}", 65534);
        logger.LogTrace("not shown");
        Assert.That(text.ToString(), Is.EqualTo("dbug: pygrub[0] deprivileged: uid 65534" + Environment.NewLine));
    }
}
