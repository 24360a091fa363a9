using System.Text;

namespace PvBoot.Core.FileSystems;

/// <summary>Conversions between path bytes and text. Names stay bytes; decoding is for display only.</summary>
public static class PathBytes
{
    /// <summary>Decodes <paramref name="bytes"/> as UTF-8 for display, escaping invalid bytes and control characters as <c>\xNN</c>.</summary>
    /// <param name="bytes">The raw name or path.</param>
    /// <returns>A printable string.</returns>
    public static string ToDisplayString(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed) == System.Buffers.OperationStatus.Done
                && !Rune.IsControl(rune))
            {
                builder.Append(rune.ToString());
            }
            else
            {
                consumed = Math.Max(consumed, 1);
                for (int i = 0; i < consumed; i++)
                {
                    builder.Append($"\\x{bytes[i]:x2}");
                }
            }

            bytes = bytes[consumed..];
        }

        return builder.ToString();
    }

    /// <summary>Encodes a path typed by a user or taken from a configuration (one byte per Latin-1 character, so every byte round-trips).</summary>
    /// <param name="path">The path text.</param>
    /// <returns>The path's bytes.</returns>
    public static byte[] FromConfigText(string path) => Encoding.Latin1.GetBytes(path);
}
