using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary>
/// <c>struct ext4_super_block</c>: the 1,024 bytes at byte 1,024 of every ext2/3/4 file system. Parsing validates the
/// geometry (block size first, then everything derived from it) and the feature flags this reader depends on.
/// </summary>
internal readonly struct Ext4SuperBlock
{
    /// <summary>The size of the structure on disk.</summary>
    public const int Size = 1024;

    /// <summary>The byte offset of the primary superblock in the file system.</summary>
    public const long DiskOffset = 1024;

    /// <summary>The value of <c>s_magic</c>.</summary>
    public const ushort Magic = 0xEF53;

    /// <summary><c>EXT4_MAX_BLOCK_LOG_SIZE</c> − 10: 64 KiB blocks at most.</summary>
    public const int MaxLogBlockSize = 6;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_super_block";

    public const uint IncompatCompression = 0x1;
    public const uint IncompatFiletype = 0x2;
    public const uint IncompatRecover = 0x4;
    public const uint IncompatJournalDev = 0x8;
    public const uint IncompatMetaBg = 0x10;
    public const uint IncompatExtents = 0x40;
    public const uint Incompat64Bit = 0x80;
    public const uint IncompatMmp = 0x100;
    public const uint IncompatFlexBg = 0x200;
    public const uint IncompatEaInode = 0x400;
    public const uint IncompatDirData = 0x1000;
    public const uint IncompatCsumSeed = 0x2000;
    public const uint IncompatLargeDir = 0x4000;
    public const uint IncompatInlineData = 0x8000;
    public const uint IncompatEncrypt = 0x10000;
    public const uint IncompatCasefold = 0x20000;

    public const uint RoCompatSparseSuper = 0x1;
    public const uint RoCompatBigalloc = 0x200;
    public const uint RoCompatMetadataCsum = 0x400;

    /// <summary>The incompatible features this reader understands (the rest are refused by name).</summary>
    public const uint SupportedIncompat = IncompatFiletype | IncompatRecover | IncompatMetaBg | IncompatExtents
        | Incompat64Bit | IncompatMmp | IncompatFlexBg | IncompatEaInode | IncompatCsumSeed | IncompatLargeDir
        | IncompatInlineData | IncompatEncrypt | IncompatCasefold;

    private Ext4SuperBlock(ReadOnlySpan<byte> s)
    {
        InodesCount = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.InodesCount..]);
        FirstDataBlock = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.FirstDataBlock..]);
        LogBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.LogBlockSize..]);
        BlocksPerGroup = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.BlocksPerGroup..]);
        InodesPerGroup = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.InodesPerGroup..]);
        RevLevel = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.RevLevel..]);
        RawInodeSize = BinaryPrimitives.ReadUInt16LittleEndian(s[Layout.InodeSize..]);
        FeatureCompat = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.FeatureCompat..]);
        FeatureIncompat = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.FeatureIncompat..]);
        FeatureRoCompat = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.FeatureRoCompat..]);
        Uuid = s.Slice(Layout.Uuid, 16).ToArray();
        VolumeName = s.Slice(Layout.VolumeName, 16).ToArray();
        RawDescSize = BinaryPrimitives.ReadUInt16LittleEndian(s[Layout.DescSize..]);
        FirstMetaBg = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.FirstMetaBg..]);
        ChecksumType = s[Layout.ChecksumType];
        ChecksumSeed = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.ChecksumSeed..]);
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.Checksum..]);
        ulong blocksHi = (FeatureIncompat & Incompat64Bit) != 0 ? BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.BlocksCountHi..]) : 0;
        BlocksCount = (blocksHi << 32) | BinaryPrimitives.ReadUInt32LittleEndian(s[Layout.BlocksCountLo..]);
    }

    public uint InodesCount { get; }

    /// <summary>s_blocks_count_lo, plus s_blocks_count_hi with the 64bit feature.</summary>
    public ulong BlocksCount { get; }

    public uint FirstDataBlock { get; }

    public uint LogBlockSize { get; }

    public uint BlocksPerGroup { get; }

    public uint InodesPerGroup { get; }

    public uint RevLevel { get; }

    public ushort RawInodeSize { get; }

    public uint FeatureCompat { get; }

    public uint FeatureIncompat { get; }

    public uint FeatureRoCompat { get; }

    public byte[] Uuid { get; }

    public byte[] VolumeName { get; }

    public ushort RawDescSize { get; }

    public uint FirstMetaBg { get; }

    public byte ChecksumType { get; }

    public uint ChecksumSeed { get; }

    public uint Checksum { get; }

    /// <summary>The block size in bytes (1 KiB to 64 KiB).</summary>
    public int BlockSize => 1024 << (int)LogBlockSize;

    /// <summary>The inode record size: 128 for revision 0, else s_inode_size.</summary>
    public int InodeSize => RevLevel == 0 ? 128 : RawInodeSize;

    /// <summary>The group descriptor size: s_desc_size with the 64bit feature, else 32.</summary>
    public int DescSize => Has64Bit ? RawDescSize : Ext4GroupDesc.Size32;

    public bool Has64Bit => (FeatureIncompat & Incompat64Bit) != 0;

    public bool HasMetaBg => (FeatureIncompat & IncompatMetaBg) != 0;

    public bool HasFiletype => (FeatureIncompat & IncompatFiletype) != 0;

    public bool HasInlineData => (FeatureIncompat & IncompatInlineData) != 0;

    public bool HasMetadataCsum => (FeatureRoCompat & RoCompatMetadataCsum) != 0;

    public bool HasSparseSuper => (FeatureRoCompat & RoCompatSparseSuper) != 0;

    /// <summary>The number of block groups.</summary>
    public long GroupCount => (long)((BlocksCount - FirstDataBlock + BlocksPerGroup - 1) / BlocksPerGroup);

    /// <summary>Reads only the magic number, for probing.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> span)
        => span.Length >= Size && BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Magic..]) == Magic;

    /// <summary>
    /// Parses and validates the superblock. <paramref name="sourceLength"/> bounds the block count, so every count
    /// derived from the geometry is bounded by the image before anything is allocated.
    /// </summary>
    public static Ext4SuperBlock Parse(ReadOnlySpan<byte> span, long diskOffset, string source, long sourceLength)
    {
        if (span.Length < Size)
        {
            throw Error(source, "s_magic", diskOffset, $"only {span.Length} of {Size} bytes available");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Magic..]) != Magic)
        {
            throw Error(source, "s_magic", diskOffset + Layout.Magic, "bad magic (not an ext2/3/4 file system)");
        }

        var sb = new Ext4SuperBlock(span);
        if (sb.LogBlockSize > MaxLogBlockSize)
        {
            throw Error(source, "s_log_block_size", diskOffset + Layout.LogBlockSize,
                $"log block size {sb.LogBlockSize} gives a block size above 64 KiB");
        }

        uint unsupported = sb.FeatureIncompat & ~SupportedIncompat;
        if (unsupported != 0)
        {
            throw new CorruptImageException(source, StructureName, "s_feature_incompat", diskOffset + Layout.FeatureIncompat,
                $"incompatible feature(s) {DescribeIncompat(unsupported)} not supported", ImageProblem.Unsupported);
        }

        if ((sb.FeatureRoCompat & RoCompatBigalloc) != 0)
        {
            throw new CorruptImageException(source, StructureName, "s_feature_ro_compat", diskOffset + Layout.FeatureRoCompat,
                "feature bigalloc (clustered allocation) not supported", ImageProblem.Unsupported);
        }

        int blockSize = sb.BlockSize;
        if (sb.RevLevel > 1)
        {
            throw Error(source, "s_rev_level", diskOffset + Layout.RevLevel, $"unknown revision {sb.RevLevel}");
        }

        int inodeSize = sb.InodeSize;
        if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) != 0)
        {
            throw Error(source, "s_inode_size", diskOffset + Layout.InodeSize,
                $"inode size {inodeSize} is not a power of two between 128 and the block size {blockSize}");
        }

        if (sb.Has64Bit)
        {
            int d = sb.RawDescSize;
            if (d < Ext4GroupDesc.Size64 || d > blockSize || d > 1024 || (d & (d - 1)) != 0)
            {
                throw Error(source, "s_desc_size", diskOffset + Layout.DescSize,
                    $"descriptor size {d} with the 64bit feature is not a power of two between 64 and min(1024, block size {blockSize})");
            }
        }

        if (sb.InodesPerGroup == 0 || sb.InodesPerGroup > (uint)blockSize * 8)
        {
            throw Error(source, "s_inodes_per_group", diskOffset + Layout.InodesPerGroup,
                $"{sb.InodesPerGroup} inodes per group (must be 1 to {blockSize * 8})");
        }

        if (sb.BlocksPerGroup == 0 || sb.BlocksPerGroup > (uint)blockSize * 8)
        {
            throw Error(source, "s_blocks_per_group", diskOffset + Layout.BlocksPerGroup,
                $"{sb.BlocksPerGroup} blocks per group (must be 1 to {blockSize * 8})");
        }

        if (sb.FirstDataBlock != (blockSize == 1024 ? 1u : 0u))
        {
            throw Error(source, "s_first_data_block", diskOffset + Layout.FirstDataBlock,
                $"first data block {sb.FirstDataBlock} with {blockSize}-byte blocks");
        }

        if (sb.BlocksCount <= sb.FirstDataBlock || sb.BlocksCount > (ulong)(sourceLength / blockSize))
        {
            throw Error(source, "s_blocks_count_lo", diskOffset + Layout.BlocksCountLo,
                $"{sb.BlocksCount} blocks of {blockSize} bytes do not fit the {sourceLength}-byte source");
        }

        if (sb.InodesCount == 0 || sb.InodesCount > (ulong)sb.GroupCount * sb.InodesPerGroup)
        {
            throw Error(source, "s_inodes_count", diskOffset + Layout.InodesCount,
                $"{sb.InodesCount} inodes do not fit {sb.GroupCount} groups of {sb.InodesPerGroup}");
        }

        return sb;
    }

    private static CorruptImageException Error(string source, string field, long offset, string problem)
        => new(source, StructureName, field, offset, problem);

    private static string DescribeIncompat(uint bits)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 32; bit++)
        {
            uint flag = 1u << bit;
            if ((bits & flag) == 0)
            {
                continue;
            }

            names.Add(flag switch
            {
                IncompatCompression => "compression",
                IncompatJournalDev => "journal_dev (an external journal device, not a file system)",
                IncompatDirData => "dirdata",
                _ => $"unknown 0x{flag:x}",
            });
        }

        return string.Join(", ", names);
    }

    /// <summary>Field offsets within <c>ext4_super_block</c>.</summary>
    public static class Layout
    {
        public const int InodesCount = 0x00;
        public const int BlocksCountLo = 0x04;
        public const int FirstDataBlock = 0x14;
        public const int LogBlockSize = 0x18;
        public const int BlocksPerGroup = 0x20;
        public const int InodesPerGroup = 0x28;
        public const int Magic = 0x38;
        public const int RevLevel = 0x4C;
        public const int InodeSize = 0x58;
        public const int FeatureCompat = 0x5C;
        public const int FeatureIncompat = 0x60;
        public const int FeatureRoCompat = 0x64;
        public const int Uuid = 0x68;
        public const int VolumeName = 0x78;
        public const int DescSize = 0xFE;
        public const int FirstMetaBg = 0x104;
        public const int BlocksCountHi = 0x150;
        public const int ChecksumType = 0x175;
        public const int ChecksumSeed = 0x270;
        public const int Checksum = 0x3FC;
    }
}
