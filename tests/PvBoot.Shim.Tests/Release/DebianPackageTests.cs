using System.Text;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Release;

/// <summary>The .deb diverts Xen's pygrub to PvBoot and gives it back on purge (needs root and xen-utils-4.17).</summary>
[TestFixture]
[NonParallelizable]
public class DebianPackageTests
{
    private const string XenPygrub = "/usr/lib/xen-4.17/bin/pygrub";
    private const string UsrBinPygrub = "/usr/bin/pygrub";

    [Test]
    public void InstallThenPurge_BothPygrubPathsRunPvBootThenTheOriginalAgain()
    {
        Assert.That(Environment.UserName, Is.EqualTo("root"), "installing a package needs root (CI runs eng/test.sh as root)");
        Assert.That(File.Exists(XenPygrub), Is.True, "xen-utils-4.17 is not installed (eng/test.sh installs it)");
        Assert.That(StartsWith(XenPygrub, "#!"), Is.True, "the original pygrub script is not in place before the test");
        string deb = ReleaseArtifacts.DebianPackage;

        try
        {
            Run("dpkg", "-i", deb);

            foreach (string path in new[] { UsrBinPygrub, XenPygrub })
            {
                Assert.That(StartsWith(ResolvedPath(path), "\u007fELF"), Is.True, $"{path} does not run PvBoot's binary");
                ToolResult help = Tool.Run(path, ["-h"]);
                Assert.That(help.ExitCode, Is.EqualTo(1), $"{path} -h");
                Assert.That(help.Stderr, Does.StartWith("Usage: "));
            }

            Assert.That(Run("dpkg-divert", "--list", XenPygrub), Does.Contain("by pvboot"));
        }
        finally
        {
            Run("dpkg", "--purge", "pvboot");
        }

        Assert.That(StartsWith(ResolvedPath(UsrBinPygrub), "#!"), Is.True, "the original script is not back behind /usr/bin/pygrub");
        Assert.That(Run("dpkg-divert", "--list", XenPygrub), Does.Not.Contain("pvboot"));
        ToolResult original = Tool.Run(XenPygrub, ["-h"]);
        Assert.That(original.ExitCode, Is.EqualTo(1));
        Assert.That(original.Stderr, Does.Contain("pygrub [-q|--quiet]"));
    }

    private static string ResolvedPath(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static bool StartsWith(string path, string prefix)
    {
        byte[] head = new byte[prefix.Length];
        using FileStream stream = File.OpenRead(path);
        stream.ReadExactly(head);
        return Encoding.Latin1.GetString(head) == prefix;
    }

    private static string Run(string program, params string[] arguments)
    {
        ToolResult result = Tool.Run(program, arguments);
        Assert.That(result.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}: {result.Stderr}");
        return Encoding.UTF8.GetString(result.Stdout);
    }
}
