using System.Text;

namespace PvBoot.Grub2.Common;

/// <summary>Makes configuration text safe to show in explanations and logs: C0/C1 controls become <c>\xNN</c>.</summary>
internal static class DisplayText
{
    /// <summary>Escapes control characters and bounds the length.</summary>
    /// <param name="text">Configuration text (one character per byte).</param>
    /// <param name="maxLength">The longest text kept; longer text is cut and marked with an ellipsis.</param>
    /// <returns>Printable text.</returns>
    public static string Escape(string text, int maxLength = 200)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (char c in text)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            if (c < ' ' || (c >= '\x7f' && c <= '\x9f'))
            {
                builder.Append($"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
