using System.Text;

namespace PvBoot.Shim.Menu;

/// <summary>Makes guest text safe to show on a terminal or in a log.</summary>
internal static class MenuText
{
    /// <summary>Expands tabs to 8 columns and drops C0/C1 control characters and DEL, so no guest byte reaches the terminal as a control.</summary>
    public static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '\t')
            {
                builder.Append(' ', 8 - (builder.Length % 8));
            }
            else if (c < 0x20 || (c >= 0x7F && c < 0xA0) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                continue;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Sanitizes, then cuts or pads to exactly <paramref name="width"/> characters.</summary>
    public static string Fit(string text, int width)
    {
        string clean = Sanitize(text);
        return clean.Length >= width ? clean[..width] : clean.PadRight(width);
    }
}
