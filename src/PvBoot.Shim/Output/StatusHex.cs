using System.Text;

namespace PvBoot.Shim.Output;

/// <summary>A text field of a worker's status line: its UTF-8 in upper-case hex, or <c>-</c> when there is none.</summary>
internal static class StatusHex
{
    /// <summary>The field of an absent or empty text.</summary>
    public const string None = "-";

    /// <summary>The field for <paramref name="text"/>.</summary>
    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? None : Convert.ToHexString(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Reads a field as <see cref="Encode"/> writes it: <see langword="null"/> for <c>-</c>; <see langword="false"/> for
    /// anything else that is not non-empty upper-case hex of text <paramref name="encoding"/> accepts.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> field, Encoding encoding, out string? text)
    {
        text = null;
        if (field is None)
        {
            return true;
        }

        if (field.Length == 0 || field.Length % 2 != 0 || field.ContainsAnyExcept("0123456789ABCDEF"))
        {
            return false;
        }

        try
        {
            text = encoding.GetString(Convert.FromHexString(field));
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
