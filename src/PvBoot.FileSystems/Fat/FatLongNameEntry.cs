using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Fat;

/// <summary>A VFAT long-name slot (<c>msdos_dir_slot</c>): 13 UTF-16 code units of a long name.</summary>
internal readonly struct FatLongNameEntry
{
    /// <summary>The bytes the structure occupies.</summary>
    public const int Size = 32;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "msdos_dir_slot";

    /// <summary>Code units per slot.</summary>
    public const int CharactersPerSlot = 13;

    /// <summary>The flag in <c>id</c> that marks the last slot (stored first).</summary>
    public const byte LastSlotFlag = 0x40;

    private FatLongNameEntry(byte id, byte checksum, char[] characters)
    {
        Id = id;
        Checksum = checksum;
        Characters = characters;
    }

    /// <summary><c>id</c>: the sequence number (1-20) plus <see cref="LastSlotFlag"/>.</summary>
    public byte Id { get; }

    /// <summary>The sequence number without the flag.</summary>
    public int Sequence => Id & 0x1F;

    /// <summary>Whether this slot holds the end of the name (it comes first on disk).</summary>
    public bool IsLast => (Id & LastSlotFlag) != 0;

    /// <summary><c>alias_checksum</c>: the checksum of the 8.3 entry that follows the slots.</summary>
    public byte Checksum { get; }

    /// <summary>The 13 code units of <c>name0_4</c>, <c>name5_10</c> and <c>name11_12</c>.</summary>
    public char[] Characters { get; }

    /// <summary>Parses one slot.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The slot.</returns>
    public static FatLongNameEntry Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "(size)", diskOffset, "the long-name slot is truncated");
        }

        var characters = new char[CharactersPerSlot];
        int n = 0;
        ReadUnits(span.Slice(Layout.Name0To4, 10), characters, ref n);
        ReadUnits(span.Slice(Layout.Name5To10, 12), characters, ref n);
        ReadUnits(span.Slice(Layout.Name11To12, 4), characters, ref n);
        return new FatLongNameEntry(span[Layout.Id], span[Layout.AliasChecksum], characters);
    }

    private static void ReadUnits(ReadOnlySpan<byte> bytes, char[] into, ref int n)
    {
        for (int i = 0; i + 1 < bytes.Length; i += 2)
        {
            into[n++] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[i..]);
        }
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary><c>id</c>.</summary>
        public const int Id = 0;

        /// <summary><c>name0_4</c>, 10 bytes.</summary>
        public const int Name0To4 = 1;

        /// <summary><c>attr</c> (always 0x0F).</summary>
        public const int Attributes = 11;

        /// <summary><c>alias_checksum</c>.</summary>
        public const int AliasChecksum = 13;

        /// <summary><c>name5_10</c>, 12 bytes.</summary>
        public const int Name5To10 = 14;

        /// <summary><c>start</c> (always 0).</summary>
        public const int Start = 26;

        /// <summary><c>name11_12</c>, 4 bytes.</summary>
        public const int Name11To12 = 28;
    }
}
