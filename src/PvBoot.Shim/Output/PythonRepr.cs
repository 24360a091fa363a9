using System.Globalization;
using System.Text;

namespace PvBoot.Shim.Output;

/// <summary>
/// Python 3's <c>repr()</c> of a <c>str</c>, which pygrub's <c>sxp</c> format puts around every value.
/// </summary>
/// <remarks>
/// The rules: single quotes unless the text contains a single quote and no double quote; a backslash and the chosen
/// quote are escaped with a backslash; tab, line feed and carriage return become <c>\t</c>, <c>\n</c>, <c>\r</c>;
/// any other code point that <c>str.isprintable()</c> rejects becomes <c>\xHH</c>, <c>\uHHHH</c> or
/// <c>\UHHHHHHHH</c> (lower-case hex); everything else, including printable non-ASCII, is kept as it is.
/// A lone UTF-16 surrogate is escaped as Python escapes a surrogate code point.
/// </remarks>
internal static partial class PythonRepr
{
    /// <summary>Returns <c>repr(value)</c> as Python 3 prints it.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        char quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2);
        builder.Append(quote);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            int codePoint = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, value[i + 1]);
                width = 2;
            }

            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (codePoint < 0x20 || codePoint == 0x7F)
            {
                AppendHex(builder, 'x', codePoint, 2);
            }
            else if (codePoint < 0x7F)
            {
                builder.Append(c);
            }
            else if (!IsPrintable(codePoint))
            {
                if (codePoint <= 0xFF)
                {
                    AppendHex(builder, 'x', codePoint, 2);
                }
                else if (codePoint <= 0xFFFF)
                {
                    AppendHex(builder, 'u', codePoint, 4);
                }
                else
                {
                    AppendHex(builder, 'U', codePoint, 8);
                }
            }
            else
            {
                builder.Append(value, i, width);
            }

            i += width - 1;
        }

        builder.Append(quote);
        return builder.ToString();
    }

    /// <summary>Whether Python's <c>str.isprintable()</c> accepts the code point.</summary>
    public static bool IsPrintable(int codePoint)
    {
        ReadOnlySpan<int> ranges = NonPrintableRanges;
        int low = 0;
        int high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            if (codePoint < ranges[2 * middle])
            {
                high = middle - 1;
            }
            else if (codePoint > ranges[(2 * middle) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendHex(StringBuilder builder, char kind, int codePoint, int digits) =>
        builder.Append('\\').Append(kind).Append(codePoint.ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
}
