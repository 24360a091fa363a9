using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>What GRUB itself (grub-emu) loaded when it auto-booted an entry.</summary>
internal sealed record GrubEmuBoot(string Title, string Kernel, IReadOnlyList<string> Arguments, IReadOnlyList<string> Initrds, string Output);

/// <summary>
/// Runs a configuration in <c>grub-emu</c> (GRUB built as a Linux program) with <c>linux</c> and <c>initrd</c> redefined as
/// script functions that print their arguments; <c>initrd</c> then halts, ending the run. The emulator's <c>$prefix</c>
/// is the directory holding the configuration, so a <c>grubenv</c> placed there is what <c>load_env</c> reads.
/// </summary>
internal static partial class GrubEmu
{
    public const string Program = "/usr/bin/grub-emu";

    private const string Prelude = """
        function linux { echo "PVB-KERNEL [$1]"; shift; while [ "$#" != 0 ]; do echo "PVB-ARG [$1]"; shift; done; echo PVB-KEND; }
        function linux16 { linux "$@"; }
        function initrd { while [ "$#" != 0 ]; do echo "PVB-INITRD [$1]"; shift; done; echo PVB-IEND; halt; }
        function initrd16 { initrd "$@"; }

        """;

    /// <summary>Boots <paramref name="config"/> (with <paramref name="epilogue"/> appended) and reports what was loaded.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="epilogue">Lines appended to it (e.g. <c>set default=…</c>).</param>
    /// <param name="grubenv">The environment block next to it, if any.</param>
    /// <param name="prelude">Script put before the configuration instead of the <c>linux</c>/<c>initrd</c> functions.</param>
    public static GrubEmuBoot Boot(string config, string epilogue, string? grubenv = null, string? prelude = null)
    {
        string dir = HostDirectoryFileSystem.NewDirectory("emu");
        File.WriteAllBytes(Path.Combine(dir, "grub.cfg"), Encoding.Latin1.GetBytes((prelude ?? Prelude) + config + "\n" + epilogue + "\nset timeout=0\n"));
        if (grubenv is not null)
        {
            File.WriteAllBytes(Path.Combine(dir, "grubenv"), Encoding.Latin1.GetBytes(grubenv));
        }

        ToolResult result = Tool.Run(Program, ["-d", dir, "-r", "host"], timeoutSeconds: 20);
        string output = AnsiEscape().Replace(Encoding.Latin1.GetString(result.Stdout), string.Empty).Replace("\r", "\n", StringComparison.Ordinal);
        // Choosing a submenu entry prints "Booting `submenu'" first; the last such line names the entry itself.
        string title = BootingLine().Matches(output).LastOrDefault()?.Groups[1].Value ?? string.Empty;
        string kernel = Values(output, "PVB-KERNEL").FirstOrDefault() ?? string.Empty;
        return new GrubEmuBoot(title, kernel, Values(output, "PVB-ARG"), Values(output, "PVB-INITRD"), output);
    }

    private static List<string> Values(string output, string tag) =>
        [.. output.Split('\n').Where(l => l.StartsWith(tag + " [", StringComparison.Ordinal) && l.EndsWith(']')).Select(l => l[(tag.Length + 2)..^1])];

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"Booting `(.*)'")]
    private static partial Regex BootingLine();
}
