using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Release;

/// <summary>
/// The release artifacts under test: eng/test.sh builds them once and passes their paths in PVBOOT_PORTABLE_PYGRUB and
/// PVBOOT_DEB; a developer running the tests alone gets them built on first use by the same scripts.
/// </summary>
internal static class ReleaseArtifacts
{
    private static readonly Lazy<string> Portable = new(() => FromEnvironmentOrScript("PVBOOT_PORTABLE_PYGRUB", "eng/publish-portable.sh"));
    private static readonly Lazy<string> Deb = new(() => FromEnvironmentOrScript("PVBOOT_DEB", "eng/make-deb.sh"));

    /// <summary>The stripped, glibc-2.17 native-AOT pygrub.</summary>
    public static string PortablePygrub => Portable.Value;

    /// <summary>The Debian package.</summary>
    public static string DebianPackage => Deb.Value;

    private static string FromEnvironmentOrScript(string variable, string script)
    {
        string? path = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(path) && File.Exists(path))
        {
            return path;
        }

        ToolResult built = Tool.Run("bash", [Path.Combine(Fixtures.RepositoryRoot, script)], timeoutSeconds: 600, workingDirectory: Fixtures.RepositoryRoot);
        Assert.That(built.ExitCode, Is.Zero, $"{script} failed: {built.Stderr}");
        string output = System.Text.Encoding.UTF8.GetString(built.Stdout).Trim().Split('\n')[^1];
        Assert.That(File.Exists(output), Is.True, $"{script} printed {output}, which does not exist");
        return output;
    }
}
