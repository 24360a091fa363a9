using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary><c>struct ext4_group_desc</c>: where one block group keeps its bitmaps and inode table (32 or 64+ bytes).</summary>
internal readonly struct Ext4GroupDesc
{
    /// <summary>The size of the structure without the 64bit feature.</summary>
    public const int Size32 = 32;

    /// <summary>The minimum size with the 64bit feature.</summary>
    public const int Size64 = 64;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_group_desc";

    private Ext4GroupDesc(ulong inodeTable, ushort checksum)
    {
        InodeTable = inodeTable;
        Checksum = checksum;
    }

    /// <summary>bg_inode_table_lo, plus bg_inode_table_hi when the descriptor has it.</summary>
    public ulong InodeTable { get; }

    /// <summary>bg_checksum.</summary>
    public ushort Checksum { get; }

    /// <summary>Parses one descriptor of <paramref name="descSize"/> bytes.</summary>
    public static Ext4GroupDesc Parse(ReadOnlySpan<byte> span, int descSize, long diskOffset, string source)
    {
        if (descSize < Size32 || span.Length < descSize)
        {
            throw new CorruptImageException(source, StructureName, "bg_inode_table_lo", diskOffset,
                $"a {descSize}-byte descriptor does not fit the {span.Length} bytes available");
        }

        ulong table = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.InodeTableLo..]);
        if (descSize >= Size64)
        {
            table |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.InodeTableHi..]) << 32;
        }

        return new Ext4GroupDesc(table, BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Checksum..]));
    }

    /// <summary>Field offsets within <c>ext4_group_desc</c>.</summary>
    public static class Layout
    {
        public const int InodeTableLo = 0x08;
        public const int Checksum = 0x1E;
        public const int BlockBitmapHi = 0x20;
        public const int InodeTableHi = 0x28;
    }
}
