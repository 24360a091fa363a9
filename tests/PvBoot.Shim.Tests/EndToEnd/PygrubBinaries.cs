using System.Text;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.EndToEnd;

/// <summary>Runs Xen's real pygrub and PvBoot's pygrub the same way, each into its own fresh output directory.</summary>
internal static class PygrubBinaries
{
    /// <summary>Xen 4.17's pygrub (package xen-utils-4.17).</summary>
    public const string Reference = "/usr/lib/xen-4.17/bin/pygrub";

    /// <summary>PvBoot's native-AOT pygrub: PVBOOT_PYGRUB (eng/test.sh sets it), else the release build.</summary>
    public static string PvBoot
    {
        get
        {
            string? path = Environment.GetEnvironmentVariable("PVBOOT_PYGRUB");
            return !string.IsNullOrEmpty(path) && File.Exists(path) ? path : Release.ReleaseArtifacts.PortablePygrub;
        }
    }

    /// <summary>The result of one run: exit code, stdout with the output directory replaced by <c>OUT</c>, stderr, and the files written.</summary>
    public sealed record Run(int ExitCode, string Stdout, string Stderr, IReadOnlyDictionary<string, byte[]> Files);

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> plus <c>--output-directory=DIR</c>.</summary>
    public static Run Execute(string program, IEnumerable<string> arguments)
    {
        string directory = Path.Combine(Fixtures.WorkDirectory, "out-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        ToolResult result = Tool.Run(program, [.. arguments, "--output-directory=" + directory], timeoutSeconds: 180);
        var files = Directory.GetFiles(directory).ToDictionary(f => Normalise(Path.GetFileName(f)), File.ReadAllBytes);
        string stdout = Encoding.Latin1.GetString(result.Stdout).Replace(directory, "OUT", StringComparison.Ordinal);
        return new Run(result.ExitCode, NormaliseNames(stdout), result.Stderr, files);
    }

    /// <summary><c>boot_kernel.abc12345</c> → <c>boot_kernel.XXXXXXXX</c>: the random part of mkstemp names.</summary>
    private static string Normalise(string name) =>
        name.StartsWith("boot_kernel.", StringComparison.Ordinal) ? "boot_kernel.XXXXXXXX"
        : name.StartsWith("boot_ramdisk.", StringComparison.Ordinal) ? "boot_ramdisk.XXXXXXXX"
        : name;

    private static string NormaliseNames(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"(boot_(?:kernel|ramdisk))\.[A-Za-z0-9_]{8}", "$1.XXXXXXXX");
}
