using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dir2_block_tail</c>: the last 8 bytes of a single-block directory: the number of hash/address leaf entries
/// that precede it and how many of them are stale. Data entries end where the leaf entries begin.
/// </summary>
internal readonly struct XfsDir2BlockTail
{
    /// <summary>Bytes of the tail.</summary>
    public const int Size = 8;

    /// <summary>Bytes of one leaf entry (hashval, address).</summary>
    public const int LeafEntrySize = 8;

    private XfsDir2BlockTail(int dataEnd) => DataEnd = dataEnd;

    /// <summary>Offset within the block where the data entries end.</summary>
    public int DataEnd { get; }

    /// <summary>Parses the tail of a single-block directory.</summary>
    /// <param name="block">The whole directory block.</param>
    /// <param name="diskOffset">The block's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="headerSize">Bytes of the data header (entries cannot start before it).</param>
    /// <returns>The tail.</returns>
    /// <exception cref="CorruptImageException">The leaf count does not fit the block.</exception>
    public static XfsDir2BlockTail Parse(ReadOnlySpan<byte> block, long diskOffset, string source, int headerSize)
    {
        int at = block.Length - Size;
        uint count = BinaryPrimitives.ReadUInt32BigEndian(block[(at + Layout.Count)..]);
        uint stale = BinaryPrimitives.ReadUInt32BigEndian(block[(at + Layout.Stale)..]);
        long room = (at - headerSize) / LeafEntrySize;
        if (count > room)
        {
            throw new CorruptImageException(source, "xfs_dir2_block_tail", "count", diskOffset + at + Layout.Count, $"{count} leaf entries do not fit the block");
        }

        if (stale > count)
        {
            throw new CorruptImageException(source, "xfs_dir2_block_tail", "stale", diskOffset + at + Layout.Stale, $"{stale} stale of {count} leaf entries");
        }

        return new XfsDir2BlockTail(at - ((int)count * LeafEntrySize));
    }

    /// <summary>Field offsets within <c>xfs_dir2_block_tail</c>.</summary>
    public static class Layout
    {
        /// <summary>count (u32).</summary>
        public const int Count = 0;

        /// <summary>stale (u32).</summary>
        public const int Stale = 4;
    }
}
