using System.Text;
using PvBoot.Shim.CommandLine;

namespace PvBoot.Shim.Output;

/// <summary>
/// What a run reports for its chosen entry in pygrub's formats: whether the kernel and ramdisk files were written, and
/// the command line. The paths are not part of it: whoever writes the result line supplies the paths of the files it
/// made. A sandboxed worker hands this to the parent on its status pipe (<see cref="ToStatusLine"/>), and the parent,
/// which made the files and holds <c>--output</c> or standard output, writes the line, so the worker cannot name any
/// other host file to a toolstack that loads the named kernel and ramdisk and then deletes them (libxl and XAPI do).
/// </summary>
/// <param name="KernelWritten">Whether the kernel file holds the kernel (not with <c>-n</c>).</param>
/// <param name="RamdiskWritten">Whether the ramdisk file holds the ramdisk.</param>
/// <param name="Arguments">The command line, or <see langword="null"/> when it is empty.</param>
internal sealed record BootReport(bool KernelWritten, bool RamdiskWritten, string? Arguments)
{
    /// <summary>The status-pipe keyword of a report line.</summary>
    public const string StatusKeyword = "result ";

    /// <summary>The result line in <paramref name="format"/> (not JSON), naming the given paths for the written files.</summary>
    /// <exception cref="UnrepresentableOutputException">The format cannot carry a value.</exception>
    public string Format(OutputFormat format, string? kernelPath, string? ramdiskPath)
    {
        string? kernel = KernelWritten ? kernelPath : null;
        string? ramdisk = RamdiskWritten ? ramdiskPath : null;
        return format switch
        {
            OutputFormat.Simple => BootOutput.FormatSimple(kernel, ramdisk, Arguments, '\n'),
            OutputFormat.Simple0 => BootOutput.FormatSimple(kernel, ramdisk, Arguments, '\0'),
            OutputFormat.Sxp => BootOutput.FormatSxp(kernel, ramdisk, Arguments),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "JSON results are written by the run itself"),
        };
    }

    /// <summary>The report as one ASCII status line (without its newline): <c>result KR HEX</c>, the flags as 0 or 1 and the command line as UTF-8 in hex (<c>-</c> when none).</summary>
    public string ToStatusLine() =>
        StatusKeyword + (KernelWritten ? "1" : "0") + (RamdiskWritten ? "1" : "0") + " " + StatusHex.Encode(Arguments);

    /// <summary>
    /// The report among the worker's status lines, or <see langword="null"/> when there is none. A report line that is
    /// not exactly what <see cref="ToStatusLine"/> writes, or more than one, is refused.
    /// </summary>
    /// <exception cref="ShimException">A malformed or repeated report line.</exception>
    public static BootReport? FromStatus(string status)
    {
        BootReport? found = null;
        foreach (string line in status.Split('\n'))
        {
            if (!line.StartsWith(StatusKeyword, StringComparison.Ordinal))
            {
                continue;
            }

            if (found is not null || !TryParse(line.AsSpan(StatusKeyword.Length), out BootReport? report))
            {
                throw new ShimException("the worker's result report is malformed", "this is a bug or a compromised worker; nothing was written");
            }

            found = report;
        }

        return found;
    }

    private static bool TryParse(ReadOnlySpan<char> text, out BootReport? report)
    {
        report = null;
        if (text.Length < 4 || text[2] != ' ' || text[0] is not ('0' or '1') || text[1] is not ('0' or '1')
            || !StatusHex.TryDecode(text[3..], new UTF8Encoding(false, throwOnInvalidBytes: true), out string? arguments))
        {
            return false;
        }

        report = new BootReport(text[0] == '1', text[1] == '1', arguments);
        return true;
    }
}
