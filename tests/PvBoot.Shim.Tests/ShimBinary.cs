using PvBoot.Testing;

namespace PvBoot.Shim.Tests;

/// <summary>The two programs under comparison: PvBoot's published native-AOT pygrub and Xen 4.17's pygrub.</summary>
internal static class ShimBinary
{
    /// <summary>Xen 4.17's pygrub as Debian installs it (eng/test.sh installs xen-utils-4.17).</summary>
    public const string ReferencePygrub = "/usr/lib/xen-4.17/bin/pygrub";

    private static readonly Lazy<string> Published = new(Locate);

    /// <summary>PvBoot's pygrub: PVBOOT_PYGRUB (set by eng/test.sh), else published here once.</summary>
    public static string Path => Published.Value;

    /// <summary>Fails the test unless the reference pygrub is installed.</summary>
    public static string Reference
    {
        get
        {
            Assert.That(File.Exists(ReferencePygrub), Is.True, "xen-utils-4.17 is not installed (eng/test.sh installs it)");
            return ReferencePygrub;
        }
    }

    /// <summary>Fails the test unless it runs as root (the suite runs as root in CI).</summary>
    public static void RequireRoot() =>
        Assert.That(Environment.UserName, Is.EqualTo("root"), "this test needs root (eng/test.sh runs the suite as root)");

    /// <summary>A fresh empty directory under the work directory.</summary>
    public static string NewDirectory(string name)
    {
        string path = System.IO.Path.Combine(Fixtures.WorkDirectory, "shim", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Locate()
    {
        string? path = Environment.GetEnvironmentVariable("PVBOOT_PYGRUB");
        if (!string.IsNullOrEmpty(path))
        {
            Assert.That(File.Exists(path), Is.True, $"PVBOOT_PYGRUB={path} does not exist");
            return path;
        }

        string output = System.IO.Path.Combine(Fixtures.RepositoryRoot, "out", "pygrub");
        ToolResult published = Tool.Run(
            "dotnet",
            ["publish", "src/PvBoot.Shim", "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-clp:ErrorsOnly"],
            timeoutSeconds: 900,
            workingDirectory: Fixtures.RepositoryRoot);
        Assert.That(published.ExitCode, Is.Zero, "publishing the AOT pygrub failed: " + System.Text.Encoding.UTF8.GetString(published.Stdout) + published.Stderr);
        return System.IO.Path.Combine(output, "pygrub");
    }
}
