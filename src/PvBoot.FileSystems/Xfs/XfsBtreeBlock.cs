using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_btree_block</c>: the header of a B+tree block, in the long form (64-bit sibling pointers; the bmbt) or the
/// short form (32-bit, AG-relative; the per-AG trees), with the v5 additions (self address, LSN, UUID, owner, CRC).
/// Records, or keys then pointers, follow the header.
/// </summary>
internal readonly struct XfsBtreeBlock
{
    /// <summary>Bytes of the v4 long-form header.</summary>
    public const int Size = 24;

    /// <summary>Bytes of the v5 long-form header.</summary>
    public const int LongV5Size = 72;

    /// <summary>Bytes of the v4 short-form header.</summary>
    public const int ShortSize = 16;

    /// <summary>Bytes of the v5 short-form header.</summary>
    public const int ShortV5Size = 56;

    /// <summary>"BMAP": a v4 bmbt block.</summary>
    public const uint BmapMagic = 0x424D4150;

    /// <summary>"BMA3": a v5 bmbt block.</summary>
    public const uint Bmap3Magic = 0x424D4133;

    private XfsBtreeBlock(uint magic, ushort level, ushort numRecs, ulong blkno, ulong owner, int headerSize, int crcOffset)
    {
        MagicNum = magic;
        Level = level;
        NumRecs = numRecs;
        BlkNo = blkno;
        Owner = owner;
        HeaderSize = headerSize;
        CrcOffset = crcOffset;
    }

    /// <summary>bb_magic.</summary>
    public uint MagicNum { get; }

    /// <summary>bb_level: 0 for leaves.</summary>
    public ushort Level { get; }

    /// <summary>bb_numrecs.</summary>
    public ushort NumRecs { get; }

    /// <summary>bb_blkno (v5): the block's own address in 512-byte sectors.</summary>
    public ulong BlkNo { get; }

    /// <summary>bb_owner (v5): the inode (long form) or AG (short form) that owns the block.</summary>
    public ulong Owner { get; }

    /// <summary>Bytes of the header; records or keys start here.</summary>
    public int HeaderSize { get; }

    /// <summary>Offset of bb_crc, or -1 for v4.</summary>
    public int CrcOffset { get; }

    /// <summary>Parses and validates a block header.</summary>
    /// <param name="block">The whole block.</param>
    /// <param name="diskOffset">The block's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="v5">Whether the file system has v5 headers.</param>
    /// <param name="longForm">Long (bmbt) or short (per-AG) pointers.</param>
    /// <param name="expectedMagic">The magic of the tree being walked.</param>
    /// <param name="recordSize">Bytes per record in a leaf, and per key plus pointer in a node.</param>
    /// <returns>The header.</returns>
    /// <exception cref="CorruptImageException">Wrong magic, or a record count the block cannot hold.</exception>
    public static XfsBtreeBlock Parse(ReadOnlySpan<byte> block, long diskOffset, string source, bool v5, bool longForm, uint expectedMagic, int recordSize)
    {
        int header = longForm ? (v5 ? LongV5Size : Size) : (v5 ? ShortV5Size : ShortSize);
        if (block.Length < header + recordSize)
        {
            throw Error(source, "bb_magic", diskOffset, Layout.Magic, $"{block.Length} bytes are too few for a btree block");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(block[Layout.Magic..]);
        if (magic != expectedMagic)
        {
            throw Error(source, "bb_magic", diskOffset, Layout.Magic, $"magic 0x{magic:x8} is not the expected 0x{expectedMagic:x8}");
        }

        ushort level = BinaryPrimitives.ReadUInt16BigEndian(block[Layout.Level..]);
        ushort numRecs = BinaryPrimitives.ReadUInt16BigEndian(block[Layout.NumRecs..]);
        int maxRecs = (block.Length - header) / recordSize;
        if (numRecs == 0 || numRecs > maxRecs)
        {
            throw Error(source, "bb_numrecs", diskOffset, Layout.NumRecs, $"{numRecs} records do not fit 1..{maxRecs}");
        }

        ulong blkno = 0;
        ulong owner = 0;
        int crc = -1;
        if (v5)
        {
            int blknoAt = longForm ? Layout.LongBlkNo : Layout.ShortBlkNo;
            int ownerAt = longForm ? Layout.LongOwner : Layout.ShortOwner;
            blkno = BinaryPrimitives.ReadUInt64BigEndian(block[blknoAt..]);
            owner = longForm ? BinaryPrimitives.ReadUInt64BigEndian(block[ownerAt..]) : BinaryPrimitives.ReadUInt32BigEndian(block[ownerAt..]);
            crc = longForm ? Layout.LongCrc : Layout.ShortCrc;
            if (blkno != (ulong)diskOffset >> 9)
            {
                throw Error(source, "bb_blkno", diskOffset, blknoAt, $"the block says it lives at sector {blkno}, not {diskOffset >> 9}");
            }
        }

        return new XfsBtreeBlock(magic, level, numRecs, blkno, owner, header, crc);
    }

    private static CorruptImageException Error(string source, string field, long at, int fieldOffset, string problem)
        => new(source, "xfs_btree_block", field, at + fieldOffset, problem);

    /// <summary>Field offsets within <c>xfs_btree_block</c>.</summary>
    public static class Layout
    {
        /// <summary>bb_magic (u32).</summary>
        public const int Magic = 0;

        /// <summary>bb_level (u16).</summary>
        public const int Level = 4;

        /// <summary>bb_numrecs (u16).</summary>
        public const int NumRecs = 6;

        /// <summary>bb_u.l.bb_leftsib (u64).</summary>
        public const int LongLeftSib = 8;

        /// <summary>bb_u.l.bb_rightsib (u64).</summary>
        public const int LongRightSib = 16;

        /// <summary>bb_u.l.bb_blkno (u64, v5).</summary>
        public const int LongBlkNo = 24;

        /// <summary>bb_u.l.bb_owner (u64, v5).</summary>
        public const int LongOwner = 56;

        /// <summary>bb_u.l.bb_crc (little-endian u32, v5).</summary>
        public const int LongCrc = 64;

        /// <summary>bb_u.s.bb_blkno (u64, v5).</summary>
        public const int ShortBlkNo = 16;

        /// <summary>bb_u.s.bb_owner (u32, v5).</summary>
        public const int ShortOwner = 48;

        /// <summary>bb_u.s.bb_crc (little-endian u32, v5).</summary>
        public const int ShortCrc = 52;
    }
}
