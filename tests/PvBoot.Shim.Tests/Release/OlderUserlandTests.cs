using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Release;

/// <summary>
/// Runs the release binary inside a Debian 11 (glibc 2.31) root made with debootstrap, on the sample guest image,
/// and checks the extracted kernel's bytes: proof that it starts on a userland older than the build machine's.
/// The root is cached in /var/cache/pvboot/bullseye-root between runs.
/// </summary>
[TestFixture]
[NonParallelizable]
public partial class OlderUserlandTests
{
    private const string RootDirectory = "/var/cache/pvboot/bullseye-root";

    [Test]
    public void ReleaseBinary_InDebian11Chroot_ExtractsTheSampleKernel()
    {
        Assert.That(Environment.UserName, Is.EqualTo("root"), "chroot needs root (CI runs eng/test.sh as root)");
        EnsureBullseyeRoot();
        ToolResult glibc = Tool.Run("chroot", [RootDirectory, "ldd", "--version"]);
        Assert.That(Encoding.UTF8.GetString(glibc.Stdout), Does.Contain("2.31"), "the chroot is not Debian 11's glibc 2.31");

        string inside = $"/tmp/pvboot-{Guid.NewGuid():N}";
        string host = RootDirectory + inside;
        Directory.CreateDirectory(host + "/out");
        try
        {
            File.Copy(ReleaseArtifacts.PortablePygrub, host + "/pygrub");
            File.SetUnixFileMode(host + "/pygrub", UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            File.Copy(Fixtures.Image("sample"), host + "/sample.img");

            ToolResult run = Tool.Run("chroot", [RootDirectory, inside + "/pygrub", "--quiet", "--output-directory=" + inside + "/out", inside + "/sample.img"]);

            string stdout = Encoding.UTF8.GetString(run.Stdout);
            Assert.That(run.ExitCode, Is.Zero, run.Stderr);
            Match kernel = SxpKernel().Match(stdout);
            Assert.That(kernel.Success, Is.True, $"no kernel in the sxp output: {stdout}");
            string extracted = host + kernel.Groups[1].Value[inside.Length..];
            ManifestEntry expected = Fixtures.Manifest("sample").Single(e => e.Path == "/boot/vmlinuz-6.1.0-13-amd64");
            Assert.That(Fixtures.Sha256(File.ReadAllBytes(extracted)), Is.EqualTo(expected.Sha256));
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    private static void EnsureBullseyeRoot()
    {
        if (File.Exists(RootDirectory + "/usr/bin/ldd"))
        {
            return;
        }

        string temporary = RootDirectory + ".tmp";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        ToolResult made = Tool.Run("debootstrap", ["--variant=minbase", "bullseye", temporary, "http://deb.debian.org/debian"], timeoutSeconds: 900);
        Assert.That(made.ExitCode, Is.Zero, "debootstrap bullseye failed: " + made.Stderr);
        Directory.Move(temporary, RootDirectory);
    }

    [GeneratedRegex(@"\(kernel '([^']+)'\)")]
    private static partial Regex SxpKernel();
}
