using PvBoot.Shim.Output;

namespace PvBoot.Shim.Tests.Output;

/// <summary>What a worker printed on a handed-over standard output, as one status line and back.</summary>
[TestFixture]
public sealed class CapturedOutputTests
{
    [TestCase("")]
    [TestCase("No kernel image selected!\n")]
    [TestCase("é \u2028 \U0001F600 \0 \n\n")]
    public void TextComesBackAsItWasPrinted(string text) =>
        Assert.That(CapturedOutput.FromStatus("ramdisk\n" + CapturedOutput.ToStatusLine(text) + "\nexit 1\n"), Is.EqualTo(text));

    [Test]
    public void AtMostTheLimitIsHandedOver() =>
        Assert.That(CapturedOutput.FromStatus(CapturedOutput.ToStatusLine(new string('x', CapturedOutput.MaxCharacters + 10))), Has.Length.EqualTo(CapturedOutput.MaxCharacters));

    [TestCase("exit 1\n")]
    [TestCase("stdout ABC\n")]
    [TestCase("stdout 6a\n")]
    [TestCase("stdout \n")]
    public void NoWellFormedLineIsNothing(string status) => Assert.That(CapturedOutput.FromStatus(status), Is.Null);
}
