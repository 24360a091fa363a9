using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dir3_data_hdr</c>: the v5 header of a directory data block ("XDD3") or single-block directory ("XDB3"):
/// <c>xfs_dir3_blk_hdr</c> (magic, CRC, own address, LSN, UUID, owner inode), three best-free slots and padding.
/// </summary>
internal readonly struct XfsDir3DataHdr
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 64;

    /// <summary>"XDB3": a single-block directory.</summary>
    public const uint BlockMagic = 0x58444233;

    /// <summary>"XDD3": a data block of a leaf or node directory.</summary>
    public const uint DataMagic = 0x58444433;

    private XfsDir3DataHdr(bool isBlock) => IsBlock = isBlock;

    /// <summary>Whether this is a single-block directory.</summary>
    public bool IsBlock { get; }

    /// <summary>Parses and validates the header.</summary>
    /// <param name="block">The directory block.</param>
    /// <param name="diskOffset">The block's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="owner">The directory inode the block must belong to.</param>
    /// <returns>The header.</returns>
    /// <exception cref="CorruptImageException">Wrong magic, address or owner.</exception>
    public static XfsDir3DataHdr Parse(ReadOnlySpan<byte> block, long diskOffset, string source, ulong owner)
    {
        if (block.Length < Size)
        {
            throw new CorruptImageException(source, "xfs_dir3_data_hdr", "magic", diskOffset, "the directory block is cut short");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(block[Layout.Magic..]);
        if (magic is not (BlockMagic or DataMagic))
        {
            throw new CorruptImageException(source, "xfs_dir3_data_hdr", "magic", diskOffset + Layout.Magic, $"magic 0x{magic:x8} is not a directory data block");
        }

        ulong blkno = BinaryPrimitives.ReadUInt64BigEndian(block[Layout.BlkNo..]);
        if (blkno != (ulong)diskOffset >> 9)
        {
            throw new CorruptImageException(source, "xfs_dir3_data_hdr", "blkno", diskOffset + Layout.BlkNo, $"the block says it lives at sector {blkno}, not {diskOffset >> 9}");
        }

        ulong blockOwner = BinaryPrimitives.ReadUInt64BigEndian(block[Layout.Owner..]);
        if (blockOwner != owner)
        {
            throw new CorruptImageException(source, "xfs_dir3_data_hdr", "owner", diskOffset + Layout.Owner, $"the block belongs to inode {blockOwner}, not directory {owner}");
        }

        return new XfsDir3DataHdr(magic == BlockMagic);
    }

    /// <summary>Field offsets within <c>xfs_dir3_data_hdr</c>.</summary>
    public static class Layout
    {
        /// <summary>hdr.magic (u32).</summary>
        public const int Magic = 0;

        /// <summary>hdr.crc (little-endian u32).</summary>
        public const int Crc = 4;

        /// <summary>hdr.blkno (u64): the block's own address in sectors.</summary>
        public const int BlkNo = 8;

        /// <summary>hdr.owner (u64): the directory inode.</summary>
        public const int Owner = 40;

        /// <summary>best_free[3].</summary>
        public const int BestFree = 48;
    }
}
