using System.Buffers.Binary;
using System.Numerics;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dsb</c>: the on-disk superblock at the start of every allocation group (the primary copy in AG 0 is the one
/// read). Big-endian except the v5 CRC. Parsing checks that the geometry agrees with itself, as the kernel's
/// <c>xfs_validate_sb_common</c> and Xen's reader after XSA-443 do, before anything is derived from it.
/// </summary>
internal readonly struct XfsDsb
{
    /// <summary>Bytes of the v5 superblock fields read here.</summary>
    public const int Size = 264;

    /// <summary>"XFSB".</summary>
    public const uint Magic = 0x58465342;

    /// <summary>sb_versionnum: directory format v2 (required).</summary>
    public const ushort VersionDirV2Bit = 0x2000;

    /// <summary>sb_versionnum: sb_features2 is valid.</summary>
    public const ushort VersionMoreBitsBit = 0x8000;

    /// <summary>sb_features2: directory entries carry a file type (v4).</summary>
    public const uint Version2FType = 0x200;

    /// <summary>sb_features_incompat: directory entries carry a file type.</summary>
    public const uint IncompatFType = 0x1;

    /// <summary>sb_features_incompat: 64-bit extent counters (di_big_nextents).</summary>
    public const uint IncompatNRExt64 = 0x20;

    /// <summary>sb_features_incompat bits this reader understands: ftype, sparse inodes, meta UUID, bigtime, needsrepair, nrext64.</summary>
    public const uint IncompatKnown = 0x3F;

    /// <summary>Smallest allocation group, in blocks (XFS_MIN_AG_BLOCKS).</summary>
    public const uint MinAgBlocks = 64;

    /// <summary>Largest directory block, log2 of bytes (XFS_MAX_BLOCKSIZE_LOG).</summary>
    public const int MaxDirBlockLog = 16;

    private XfsDsb(ReadOnlySpan<byte> s)
    {
        BlockSize = BinaryPrimitives.ReadUInt32BigEndian(s[Layout.BlockSize..]);
        DBlocks = BinaryPrimitives.ReadUInt64BigEndian(s[Layout.DBlocks..]);
        RBlocks = BinaryPrimitives.ReadUInt64BigEndian(s[Layout.RBlocks..]);
        Uuid = s.Slice(Layout.Uuid, 16).ToArray();
        RootIno = BinaryPrimitives.ReadUInt64BigEndian(s[Layout.RootIno..]);
        AgBlocks = BinaryPrimitives.ReadUInt32BigEndian(s[Layout.AgBlocks..]);
        AgCount = BinaryPrimitives.ReadUInt32BigEndian(s[Layout.AgCount..]);
        VersionNum = BinaryPrimitives.ReadUInt16BigEndian(s[Layout.VersionNum..]);
        SectSize = BinaryPrimitives.ReadUInt16BigEndian(s[Layout.SectSize..]);
        InodeSize = BinaryPrimitives.ReadUInt16BigEndian(s[Layout.InodeSize..]);
        InoPBlock = BinaryPrimitives.ReadUInt16BigEndian(s[Layout.InoPBlock..]);
        FName = s.Slice(Layout.FName, 12).ToArray();
        BlockLog = s[Layout.BlockLog];
        SectLog = s[Layout.SectLog];
        InodeLog = s[Layout.InodeLog];
        InoPBLog = s[Layout.InoPBLog];
        AgBlkLog = s[Layout.AgBlkLog];
        DirBlkLog = s[Layout.DirBlkLog];
        Features2 = BinaryPrimitives.ReadUInt32BigEndian(s[Layout.Features2..]);
        FeaturesIncompat = BinaryPrimitives.ReadUInt32BigEndian(s[Layout.FeaturesIncompat..]);
    }

    /// <summary>sb_blocksize: bytes per file system block.</summary>
    public uint BlockSize { get; }

    /// <summary>sb_dblocks: blocks in the data device.</summary>
    public ulong DBlocks { get; }

    /// <summary>sb_rblocks: blocks in the realtime device.</summary>
    public ulong RBlocks { get; }

    /// <summary>sb_uuid.</summary>
    public byte[] Uuid { get; }

    /// <summary>sb_rootino: the root directory's inode number.</summary>
    public ulong RootIno { get; }

    /// <summary>sb_agblocks: blocks per allocation group.</summary>
    public uint AgBlocks { get; }

    /// <summary>sb_agcount: allocation groups.</summary>
    public uint AgCount { get; }

    /// <summary>sb_versionnum.</summary>
    public ushort VersionNum { get; }

    /// <summary>sb_sectsize.</summary>
    public ushort SectSize { get; }

    /// <summary>sb_inodesize.</summary>
    public ushort InodeSize { get; }

    /// <summary>sb_inopblock: inodes per block.</summary>
    public ushort InoPBlock { get; }

    /// <summary>sb_fname: the label, NUL-padded.</summary>
    public byte[] FName { get; }

    /// <summary>sb_blocklog.</summary>
    public byte BlockLog { get; }

    /// <summary>sb_sectlog.</summary>
    public byte SectLog { get; }

    /// <summary>sb_inodelog.</summary>
    public byte InodeLog { get; }

    /// <summary>sb_inopblog.</summary>
    public byte InoPBLog { get; }

    /// <summary>sb_agblklog: log2 of sb_agblocks rounded up.</summary>
    public byte AgBlkLog { get; }

    /// <summary>sb_dirblklog: log2 of directory block size in file system blocks.</summary>
    public byte DirBlkLog { get; }

    /// <summary>sb_features2 (v4 feature bits).</summary>
    public uint Features2 { get; }

    /// <summary>sb_features_incompat (v5 only).</summary>
    public uint FeaturesIncompat { get; }

    /// <summary>The superblock version (4 or 5).</summary>
    public int Version => VersionNum & 0xF;

    /// <summary>Whether this is a v5 (CRC) file system.</summary>
    public bool IsV5 => Version == 5;

    /// <summary>Whether directory entries carry a file type byte.</summary>
    public bool HasFType => IsV5
        ? (FeaturesIncompat & IncompatFType) != 0
        : (VersionNum & VersionMoreBitsBit) != 0 && (Features2 & Version2FType) != 0;

    /// <summary>Whether inodes may use 64-bit extent counters.</summary>
    public bool HasNRExt64 => IsV5 && (FeaturesIncompat & IncompatNRExt64) != 0;

    /// <summary>
    /// Parses and validates the superblock at <paramref name="diskOffset"/>.
    /// </summary>
    /// <param name="span">The superblock's bytes (at least <see cref="Size"/>).</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The superblock.</returns>
    /// <exception cref="CorruptImageException">The magic is wrong or the geometry contradicts itself.</exception>
    public static XfsDsb Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw Error(source, "sb_magicnum", diskOffset, 0, $"{span.Length} bytes are too few for the {Size}-byte superblock");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(span) != Magic)
        {
            throw Error(source, "sb_magicnum", diskOffset, Layout.MagicNum, "not an XFS superblock (magic is not XFSB)");
        }

        var sb = new XfsDsb(span);
        sb.Validate(source, diskOffset);
        return sb;
    }

    private void Validate(string source, long at)
    {
        if (Version is not (4 or 5))
        {
            throw Error(source, "sb_versionnum", at, Layout.VersionNum, $"superblock version {Version} is not 4 or 5", ImageProblem.Unsupported);
        }

        if (Version == 4 && (VersionNum & VersionDirV2Bit) == 0)
        {
            throw Error(source, "sb_versionnum", at, Layout.VersionNum, "version 1 directories are not supported", ImageProblem.Unsupported);
        }

        if (SectSize < 512 || SectSize > 32768 || !BitOperations.IsPow2(SectSize))
        {
            throw Error(source, "sb_sectsize", at, Layout.SectSize, $"sector size {SectSize} is not a power of two from 512 to 32768");
        }

        if (SectLog != BitOperations.Log2(SectSize))
        {
            throw Error(source, "sb_sectlog", at, Layout.SectLog, $"sector log {SectLog} does not match the sector size {SectSize}");
        }

        if (BlockSize < 512 || BlockSize > 65536 || !BitOperations.IsPow2(BlockSize) || BlockSize < SectSize)
        {
            throw Error(source, "sb_blocksize", at, Layout.BlockSize, $"block size {BlockSize} is not a power of two from the sector size to 65536");
        }

        if (BlockLog != BitOperations.Log2(BlockSize))
        {
            throw Error(source, "sb_blocklog", at, Layout.BlockLog, $"block log {BlockLog} does not match the block size {BlockSize}");
        }

        int minInode = IsV5 ? 512 : 256;
        if (InodeSize < minInode || InodeSize > 2048 || !BitOperations.IsPow2(InodeSize) || InodeSize > BlockSize)
        {
            throw Error(source, "sb_inodesize", at, Layout.InodeSize, $"inode size {InodeSize} is not a power of two from {minInode} to 2048 within a block");
        }

        if (InodeLog != BitOperations.Log2(InodeSize))
        {
            throw Error(source, "sb_inodelog", at, Layout.InodeLog, $"inode log {InodeLog} does not match the inode size {InodeSize}");
        }

        if (InoPBlock != BlockSize / InodeSize)
        {
            throw Error(source, "sb_inopblock", at, Layout.InoPBlock, $"{InoPBlock} inodes per block disagree with block size {BlockSize} / inode size {InodeSize}");
        }

        if (InoPBLog != BlockLog - InodeLog)
        {
            throw Error(source, "sb_inopblog", at, Layout.InoPBLog, $"inodes-per-block log {InoPBLog} is not block log {BlockLog} - inode log {InodeLog}");
        }

        if (AgBlkLog is 0 or > 31)
        {
            throw Error(source, "sb_agblklog", at, Layout.AgBlkLog, $"AG block log {AgBlkLog} is outside 1..31");
        }

        if (AgBlocks < MinAgBlocks || ((ulong)AgBlocks << BlockLog) > (1UL << 40))
        {
            throw Error(source, "sb_agblocks", at, Layout.AgBlocks, $"{AgBlocks} blocks per AG is outside {MinAgBlocks} blocks .. 1 TiB");
        }

        if (AgBlkLog != BitOperations.Log2(AgBlocks - 1) + 1)
        {
            throw Error(source, "sb_agblklog", at, Layout.AgBlkLog, $"AG block log {AgBlkLog} disagrees with {AgBlocks} blocks per AG");
        }

        if (BlockLog + DirBlkLog > MaxDirBlockLog)
        {
            throw Error(source, "sb_dirblklog", at, Layout.DirBlkLog, $"directory blocks of 2^({BlockLog}+{DirBlkLog}) bytes exceed 64 KiB");
        }

        if (AgCount == 0)
        {
            throw Error(source, "sb_agcount", at, Layout.AgCount, "the file system has no allocation groups");
        }

        ulong full = (ulong)AgCount * AgBlocks;
        if (DBlocks > full || DBlocks < full - AgBlocks + MinAgBlocks)
        {
            throw Error(source, "sb_dblocks", at, Layout.DBlocks, $"{DBlocks} data blocks disagree with {AgCount} AGs of {AgBlocks} blocks");
        }

        if (IsV5 && (FeaturesIncompat & ~IncompatKnown) != 0)
        {
            throw Error(source, "sb_features_incompat", at, Layout.FeaturesIncompat, $"incompatible features 0x{FeaturesIncompat & ~IncompatKnown:x} are not supported", ImageProblem.Unsupported);
        }
    }

    private static CorruptImageException Error(string source, string field, long at, int fieldOffset, string problem, ImageProblem kind = ImageProblem.Corrupt)
        => new(source, "xfs_dsb", field, at + fieldOffset, problem, kind);

    /// <summary>Field offsets within <c>xfs_dsb</c>.</summary>
    public static class Layout
    {
        /// <summary>sb_magicnum (u32).</summary>
        public const int MagicNum = 0;

        /// <summary>sb_blocksize (u32).</summary>
        public const int BlockSize = 4;

        /// <summary>sb_dblocks (u64).</summary>
        public const int DBlocks = 8;

        /// <summary>sb_rblocks (u64).</summary>
        public const int RBlocks = 16;

        /// <summary>sb_uuid (16 bytes).</summary>
        public const int Uuid = 32;

        /// <summary>sb_rootino (u64).</summary>
        public const int RootIno = 56;

        /// <summary>sb_agblocks (u32).</summary>
        public const int AgBlocks = 84;

        /// <summary>sb_agcount (u32).</summary>
        public const int AgCount = 88;

        /// <summary>sb_versionnum (u16).</summary>
        public const int VersionNum = 100;

        /// <summary>sb_sectsize (u16).</summary>
        public const int SectSize = 102;

        /// <summary>sb_inodesize (u16).</summary>
        public const int InodeSize = 104;

        /// <summary>sb_inopblock (u16).</summary>
        public const int InoPBlock = 106;

        /// <summary>sb_fname (12 bytes).</summary>
        public const int FName = 108;

        /// <summary>sb_blocklog (u8).</summary>
        public const int BlockLog = 120;

        /// <summary>sb_sectlog (u8).</summary>
        public const int SectLog = 121;

        /// <summary>sb_inodelog (u8).</summary>
        public const int InodeLog = 122;

        /// <summary>sb_inopblog (u8).</summary>
        public const int InoPBLog = 123;

        /// <summary>sb_agblklog (u8).</summary>
        public const int AgBlkLog = 124;

        /// <summary>sb_dirblklog (u8).</summary>
        public const int DirBlkLog = 192;

        /// <summary>sb_features2 (u32).</summary>
        public const int Features2 = 200;

        /// <summary>sb_features_incompat (u32, v5).</summary>
        public const int FeaturesIncompat = 216;

        /// <summary>sb_crc (little-endian u32, v5).</summary>
        public const int Crc = 224;
    }
}
