using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dsymlink_hdr</c>: the v5 header at the start of every remote symlink block: magic, the byte offset of this
/// block's piece of the target, its length, CRC, UUID, owner inode, own address and LSN.
/// </summary>
internal readonly struct XfsDsymlinkHdr
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 56;

    /// <summary>"XSLM".</summary>
    public const uint Magic = 0x58534C4D;

    private XfsDsymlinkHdr(uint offset, uint bytes)
    {
        Offset = offset;
        Bytes = bytes;
    }

    /// <summary>sl_offset: where this piece belongs in the target.</summary>
    public uint Offset { get; }

    /// <summary>sl_bytes: bytes of target in this block.</summary>
    public uint Bytes { get; }

    /// <summary>Parses and validates the header of one remote symlink block.</summary>
    /// <param name="block">The block.</param>
    /// <param name="diskOffset">The block's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="owner">The symlink's inode number.</param>
    /// <param name="expectedOffset">The target bytes already read.</param>
    /// <param name="remaining">The target bytes still to read.</param>
    /// <returns>The header.</returns>
    /// <exception cref="CorruptImageException">Wrong magic, owner, address or lengths.</exception>
    public static XfsDsymlinkHdr Parse(ReadOnlySpan<byte> block, long diskOffset, string source, ulong owner, int expectedOffset, int remaining)
    {
        if (block.Length <= Size)
        {
            throw new CorruptImageException(source, "xfs_dsymlink_hdr", "sl_magic", diskOffset, "the symlink block is cut short");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(block[Layout.Magic..]) != Magic)
        {
            throw new CorruptImageException(source, "xfs_dsymlink_hdr", "sl_magic", diskOffset + Layout.Magic, "a remote symlink block without XSLM magic");
        }

        uint offset = BinaryPrimitives.ReadUInt32BigEndian(block[Layout.Offset..]);
        uint bytes = BinaryPrimitives.ReadUInt32BigEndian(block[Layout.Bytes..]);
        if (offset != expectedOffset)
        {
            throw new CorruptImageException(source, "xfs_dsymlink_hdr", "sl_offset", diskOffset + Layout.Offset, $"piece offset {offset}, expected {expectedOffset}");
        }

        if (bytes == 0 || bytes > remaining || bytes > block.Length - Size)
        {
            throw new CorruptImageException(source, "xfs_dsymlink_hdr", "sl_bytes", diskOffset + Layout.Bytes, $"{bytes} bytes do not fit the block or the {remaining} bytes left of the target");
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(block[Layout.Owner..]) != owner)
        {
            throw new CorruptImageException(source, "xfs_dsymlink_hdr", "sl_owner", diskOffset + Layout.Owner, $"the block does not belong to inode {owner}");
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(block[Layout.BlkNo..]) != (ulong)diskOffset >> 9)
        {
            throw new CorruptImageException(source, "xfs_dsymlink_hdr", "sl_blkno", diskOffset + Layout.BlkNo, "the block's own address is wrong");
        }

        return new XfsDsymlinkHdr(offset, bytes);
    }

    /// <summary>Field offsets within <c>xfs_dsymlink_hdr</c>.</summary>
    public static class Layout
    {
        /// <summary>sl_magic (u32).</summary>
        public const int Magic = 0;

        /// <summary>sl_offset (u32).</summary>
        public const int Offset = 4;

        /// <summary>sl_bytes (u32).</summary>
        public const int Bytes = 8;

        /// <summary>sl_crc (little-endian u32).</summary>
        public const int Crc = 12;

        /// <summary>sl_owner (u64).</summary>
        public const int Owner = 32;

        /// <summary>sl_blkno (u64).</summary>
        public const int BlkNo = 40;
    }
}
