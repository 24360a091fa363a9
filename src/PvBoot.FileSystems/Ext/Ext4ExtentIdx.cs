using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary><c>struct ext4_extent_idx</c>: an interior entry pointing at the node that maps logical blocks from <c>ei_block</c>.</summary>
internal readonly struct Ext4ExtentIdx
{
    /// <summary>The size of the structure on disk.</summary>
    public const int Size = 12;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_extent_idx";

    private Ext4ExtentIdx(uint logicalBlock, ulong leaf)
    {
        LogicalBlock = logicalBlock;
        Leaf = leaf;
    }

    /// <summary>ei_block: the first logical block the child covers.</summary>
    public uint LogicalBlock { get; }

    /// <summary>ei_leaf_hi:ei_leaf_lo: the child node's block.</summary>
    public ulong Leaf { get; }

    /// <summary>Parses one index entry and checks that the child block lies inside the file system (and past the superblock).</summary>
    public static Ext4ExtentIdx Parse(ReadOnlySpan<byte> span, ulong blocksCount, uint firstDataBlock, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "ei_block", diskOffset, $"only {span.Length} of {Size} bytes available");
        }

        uint logical = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Block..]);
        ulong leaf = ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.LeafHi..]) << 32)
            | BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.LeafLo..]);
        if (leaf <= firstDataBlock || leaf >= blocksCount)
        {
            throw new CorruptImageException(source, StructureName, "ei_leaf_lo", diskOffset + Layout.LeafLo,
                $"child block {leaf} lies outside the file system's blocks {firstDataBlock + 1}..{blocksCount - 1}");
        }

        return new Ext4ExtentIdx(logical, leaf);
    }

    /// <summary>Field offsets within <c>ext4_extent_idx</c>.</summary>
    public static class Layout
    {
        public const int Block = 0;
        public const int LeafLo = 4;
        public const int LeafHi = 8;
    }
}
