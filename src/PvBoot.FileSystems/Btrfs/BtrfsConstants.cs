namespace PvBoot.FileSystems.Btrfs;

/// <summary>Item key types, well-known object ids and flag bits of the btrfs on-disk format.</summary>
internal static class BtrfsConstants
{
    /// <summary>The primary superblock's byte offset.</summary>
    public const long PrimarySuperBlockOffset = 0x10000;

    /// <summary>The first and second superblock mirrors (64 MiB and 256 GiB).</summary>
    public static readonly long[] MirrorSuperBlockOffsets = [64L << 20, 256L << 30];

    /// <summary>The deepest legal tree: levels run from 0 (leaf) to 7.</summary>
    public const int MaxLevel = 7;

    /// <summary>The largest uncompressed size of one compressed extent (BTRFS_MAX_UNCOMPRESSED).</summary>
    public const int MaxUncompressedExtent = 128 * 1024;

    /// <summary>The longest name (BTRFS_NAME_LEN).</summary>
    public const int MaxNameLength = 255;

    // Key types.
    public const byte InodeItemKey = 1;
    public const byte InodeRefKey = 12;
    public const byte DirItemKey = 84;
    public const byte DirIndexKey = 96;
    public const byte ExtentDataKey = 108;
    public const byte RootItemKey = 132;
    public const byte RootBackrefKey = 144;
    public const byte ExtentCsumKey = 128;
    public const byte ChunkItemKey = 228;

    // Object ids.
    public const ulong RootTreeObjectId = 1;
    public const ulong ChunkTreeObjectId = 3;
    public const ulong FsTreeObjectId = 5;
    public const ulong CsumTreeObjectId = 7;
    public const ulong ExtentCsumObjectId = unchecked((ulong)-10L);
    public const ulong RootTreeDirObjectId = 6;
    public const ulong FirstChunkTreeObjectId = 256;
    public const ulong FirstFreeObjectId = 256;
    public const ulong LastFreeObjectId = unchecked((ulong)-256L);

    // Chunk type and profile bits (btrfs_chunk.type).
    public const ulong BlockGroupRaid0 = 1 << 3;
    public const ulong BlockGroupRaid1 = 1 << 4;
    public const ulong BlockGroupDup = 1 << 5;
    public const ulong BlockGroupRaid10 = 1 << 6;
    public const ulong BlockGroupRaid5 = 1 << 7;
    public const ulong BlockGroupRaid6 = 1 << 8;
    public const ulong BlockGroupRaid1C3 = 1 << 9;
    public const ulong BlockGroupRaid1C4 = 1 << 10;

    // Incompatible feature bits.
    public const ulong IncompatMetadataUuid = 1 << 10;
    public const ulong IncompatKnown = (1 << 13) - 1;

    // Checksum algorithms (btrfs_super_block.csum_type).
    public const ushort CsumCrc32C = 0;
    public const ushort CsumXxHash64 = 1;
    public const ushort CsumSha256 = 2;
    public const ushort CsumBlake2b = 3;

    // Compression (btrfs_file_extent_item.compression).
    public const byte CompressNone = 0;
    public const byte CompressZlib = 1;
    public const byte CompressLzo = 2;
    public const byte CompressZstd = 3;

    // Extent types (btrfs_file_extent_item.type).
    public const byte FileExtentInline = 0;
    public const byte FileExtentRegular = 1;
    public const byte FileExtentPrealloc = 2;
}
