using System.Text;

namespace PvBoot.Shim.Output;

/// <summary>
/// What a worker printed on standard output while that stream was handed over (see <see cref="BootReport"/>): one
/// status line, <c>stdout HEX</c> (UTF-8 in hex, <c>-</c> when nothing), which the parent shows only for a failed run.
/// </summary>
internal static class CapturedOutput
{
    /// <summary>The status-pipe keyword of the line.</summary>
    public const string StatusKeyword = "stdout ";

    /// <summary>The most characters handed over; pygrub prints one short line on standard output when it fails.</summary>
    public const int MaxCharacters = 65536;

    /// <summary>The captured text as a status line (without its newline).</summary>
    public static string ToStatusLine(string text) =>
        StatusKeyword + StatusHex.Encode(text.Length > MaxCharacters ? text[..MaxCharacters] : text);

    /// <summary>The captured text among the status lines; <see langword="null"/> when there is no well-formed line.</summary>
    public static string? FromStatus(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (!line.StartsWith(StatusKeyword, StringComparison.Ordinal))
            {
                continue;
            }

            ReadOnlySpan<char> field = line.AsSpan(StatusKeyword.Length);
            return field.Length <= 2 * 4 * MaxCharacters && StatusHex.TryDecode(field, Encoding.UTF8, out string? text)
                ? text ?? string.Empty
                : null;
        }

        return null;
    }
}
