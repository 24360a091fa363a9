using PvBoot.Core;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>
/// One System Use Sharing Protocol entry (SUSP 1.12 §4.1): a two-letter signature, a length that covers the whole
/// entry (at least the 4-byte header), a version and the entry's data.
/// </summary>
internal readonly struct SuspEntry
{
    /// <summary>The header size.</summary>
    public const int HeaderSize = 4;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "susp_entry";

    private SuspEntry(ushort signature, int length, long diskOffset)
    {
        Signature = signature;
        Length = length;
        DiskOffset = diskOffset;
    }

    /// <summary>The two signature characters, first in the high byte.</summary>
    public ushort Signature { get; }

    /// <summary><c>LEN</c>: the entry's total length.</summary>
    public int Length { get; }

    /// <summary>The absolute offset of the entry.</summary>
    public long DiskOffset { get; }

    /// <summary>Makes a signature value from two letters.</summary>
    /// <param name="first">The first letter.</param>
    /// <param name="second">The second letter.</param>
    /// <returns>The value <see cref="Signature"/> has for them.</returns>
    public static ushort Sig(char first, char second) => (ushort)((first << 8) | second);

    /// <summary>Parses the header of the entry at the start of <paramref name="span"/> (the rest of the system use area).</summary>
    /// <param name="span">The rest of the area.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The entry.</returns>
    public static SuspEntry Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < HeaderSize)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset, "the entry header is truncated");
        }

        int length = span[Layout.Length];
        if (length < HeaderSize)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset + Layout.Length,
                $"an entry length of {length} is below the {HeaderSize}-byte header");
        }

        if (length > span.Length)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset + Layout.Length,
                $"an entry of {length} bytes runs past the system use area ({span.Length} bytes left)");
        }

        return new SuspEntry((ushort)((span[Layout.Signature] << 8) | span[Layout.Signature + 1]), length, diskOffset);
    }

    /// <summary>Whether the entry is a valid <c>SP</c> (sharing protocol indicator) and, if so, its <c>LEN_SKP</c>.</summary>
    /// <param name="entry">The entry's bytes.</param>
    /// <param name="skip">The number of bytes to skip at the start of every system use area.</param>
    /// <returns><see langword="true"/> for an <c>SP</c> entry with the 0xBE 0xEF check bytes.</returns>
    public static bool IsSharingProtocolIndicator(ReadOnlySpan<byte> entry, out int skip)
    {
        skip = 0;
        if (entry.Length >= 7 && entry[0] == (byte)'S' && entry[1] == (byte)'P' && entry[Layout.Length] >= 7
            && entry[4] == 0xBE && entry[5] == 0xEF)
        {
            skip = entry[6];
            return true;
        }

        return false;
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary>The two signature bytes.</summary>
        public const int Signature = 0;

        /// <summary><c>LEN</c>.</summary>
        public const int Length = 2;

        /// <summary><c>VER</c>.</summary>
        public const int Version = 3;
    }
}
