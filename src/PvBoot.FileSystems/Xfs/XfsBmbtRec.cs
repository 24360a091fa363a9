using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_bmbt_rec</c>: one packed 128-bit extent record (big-endian): bit 127 the unwritten flag, 54 bits of file
/// offset, 52 bits of file system block and 21 bits of length, all in file system blocks.
/// </summary>
internal readonly struct XfsBmbtRec
{
    /// <summary>Bytes of a record.</summary>
    public const int Size = 16;

    private XfsBmbtRec(ulong startOff, ulong startBlock, uint blockCount, bool unwritten)
    {
        StartOff = startOff;
        StartBlock = startBlock;
        BlockCount = blockCount;
        Unwritten = unwritten;
    }

    /// <summary>br_startoff: the first file block.</summary>
    public ulong StartOff { get; }

    /// <summary>br_startblock: the first file system block (AG number above sb_agblklog bits).</summary>
    public ulong StartBlock { get; }

    /// <summary>br_blockcount: blocks in the extent.</summary>
    public uint BlockCount { get; }

    /// <summary>br_state: preallocated and never written (reads as zeros).</summary>
    public bool Unwritten { get; }

    /// <summary>The file block after the extent.</summary>
    public ulong EndOff => StartOff + BlockCount;

    /// <summary>Parses one record.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The record's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The record.</returns>
    /// <exception cref="CorruptImageException">The record is cut short or has no blocks.</exception>
    public static XfsBmbtRec Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "xfs_bmbt_rec", "l0", diskOffset, "the extent record is cut short");
        }

        ulong l0 = BinaryPrimitives.ReadUInt64BigEndian(span[Layout.L0..]);
        ulong l1 = BinaryPrimitives.ReadUInt64BigEndian(span[Layout.L1..]);
        var rec = new XfsBmbtRec(
            (l0 & ((1UL << 63) - 1)) >> 9,
            ((l0 & 0x1FF) << 43) | (l1 >> 21),
            (uint)(l1 & 0x1FFFFF),
            (l0 >> 63) != 0);
        if (rec.BlockCount == 0)
        {
            throw new CorruptImageException(source, "xfs_bmbt_rec", "br_blockcount", diskOffset + Layout.L1, "an extent of zero blocks");
        }

        return rec;
    }

    /// <summary>Field offsets within <c>xfs_bmbt_rec</c>.</summary>
    public static class Layout
    {
        /// <summary>l0: flag, startoff and the high bits of startblock (u64).</summary>
        public const int L0 = 0;

        /// <summary>l1: the low bits of startblock and blockcount (u64).</summary>
        public const int L1 = 8;
    }
}
