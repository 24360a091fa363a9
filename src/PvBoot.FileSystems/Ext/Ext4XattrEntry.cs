using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary>
/// <c>struct ext4_xattr_entry</c>: one extended attribute in the space after <c>i_extra_isize</c> (the in-inode
/// area opens with <c>ext4_xattr_ibody_header</c>, the magic 0xEA020000). Inline data keeps the bytes beyond
/// <c>i_block</c> in the attribute <c>system.data</c> (name index 7, name "data").
/// </summary>
internal readonly struct Ext4XattrEntry
{
    /// <summary>The fixed part before the name.</summary>
    public const int HeaderSize = 16;

    /// <summary>The value of <c>h_magic</c> in <c>ext4_xattr_ibody_header</c>.</summary>
    public const uint IbodyMagic = 0xEA020000;

    /// <summary><c>EXT4_XATTR_INDEX_SYSTEM</c>.</summary>
    public const byte IndexSystem = 7;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_xattr_entry";

    private Ext4XattrEntry(int nameLength, byte nameIndex, int valueOffset, uint valueInode, uint valueSize)
    {
        NameLength = nameLength;
        NameIndex = nameIndex;
        ValueOffset = valueOffset;
        ValueInode = valueInode;
        ValueSize = valueSize;
    }

    public int NameLength { get; }

    public byte NameIndex { get; }

    /// <summary>e_value_offs: relative to the first entry.</summary>
    public int ValueOffset { get; }

    /// <summary>e_value_inum: non-zero when the value lives in its own inode (ea_inode).</summary>
    public uint ValueInode { get; }

    public uint ValueSize { get; }

    /// <summary>The bytes the entry occupies, name included, rounded up to 4.</summary>
    public int EntryLength => (HeaderSize + NameLength + 3) & ~3;

    /// <summary>Whether <paramref name="span"/> starts with the 4 zero bytes that end the entry list.</summary>
    public static bool IsLast(ReadOnlySpan<byte> span) => span.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) == 0;

    /// <summary>Parses the entry at the start of <paramref name="span"/> (which runs to the end of the attribute area) and checks that its name fits.</summary>
    public static Ext4XattrEntry Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < HeaderSize)
        {
            throw new CorruptImageException(source, StructureName, "e_name_len", diskOffset,
                $"only {span.Length} bytes left for a {HeaderSize}-byte entry");
        }

        var entry = new Ext4XattrEntry(
            span[Layout.NameLen],
            span[Layout.NameIndex],
            BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.ValueOffs..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.ValueInum..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.ValueSize..]));
        if (entry.EntryLength > span.Length)
        {
            throw new CorruptImageException(source, StructureName, "e_name_len", diskOffset + Layout.NameLen,
                $"a {entry.NameLength}-byte name crosses the end of the attribute area");
        }

        return entry;
    }

    /// <summary>The name bytes of an entry parsed from <paramref name="span"/>.</summary>
    public ReadOnlySpan<byte> NameIn(ReadOnlySpan<byte> span) => span.Slice(HeaderSize, NameLength);

    /// <summary>Field offsets within <c>ext4_xattr_entry</c>.</summary>
    public static class Layout
    {
        public const int NameLen = 0;
        public const int NameIndex = 1;
        public const int ValueOffs = 2;
        public const int ValueInum = 4;
        public const int ValueSize = 8;
        public const int Name = 16;
    }
}
