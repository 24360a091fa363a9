using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Release;

/// <summary>The release binary must start on every dom0 with glibc 2.17 or newer (EL7, XenServer/XCP-ng 8, Debian 11).</summary>
[TestFixture]
[NonParallelizable]
public partial class PortableBinaryTests
{
    private static readonly string[] AllowedLibraries =
        ["libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "ld-linux-x86-64.so.2"];

    [Test]
    public void ReleaseBinary_NeedsNoGlibcSymbolVersionAbove2_17()
    {
        ToolResult symbols = Tool.Run("objdump", ["-T", ReleaseArtifacts.PortablePygrub]);
        Assert.That(symbols.ExitCode, Is.Zero, symbols.Stderr);

        var versions = GlibcVersion().Matches(Encoding.ASCII.GetString(symbols.Stdout))
            .Select(m => new Version(m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.That(versions, Is.Not.Empty, "objdump found no GLIBC symbol versions: is this the dynamically linked binary?");
        Assert.That(versions.Where(v => v > new Version(2, 17)), Is.Empty, "symbol versions newer than glibc 2.17");
    }

    [Test]
    public void ReleaseBinary_NeedsOnlyTheCoreGlibcLibraries()
    {
        ToolResult headers = Tool.Run("objdump", ["-p", ReleaseArtifacts.PortablePygrub]);
        Assert.That(headers.ExitCode, Is.Zero, headers.Stderr);

        var needed = NeededLibrary().Matches(Encoding.ASCII.GetString(headers.Stdout)).Select(m => m.Groups[1].Value).ToList();

        Assert.That(needed, Is.Not.Empty);
        Assert.That(needed, Is.SubsetOf(AllowedLibraries));
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();

    [GeneratedRegex(@"NEEDED\s+(\S+)")]
    private static partial Regex NeededLibrary();
}
