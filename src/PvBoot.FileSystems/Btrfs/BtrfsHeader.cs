using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_header</c>: the start of every tree block (node or leaf).</summary>
internal readonly struct BtrfsHeader
{
    /// <summary>The on-disk size.</summary>
    public const int Size = 101;

    private BtrfsHeader(ulong bytenr, ulong generation, ulong owner, uint itemCount, byte level)
    {
        Bytenr = bytenr;
        Generation = generation;
        Owner = owner;
        ItemCount = itemCount;
        Level = level;
    }

    /// <summary>The block's own logical address.</summary>
    public ulong Bytenr { get; }

    /// <summary>The transaction that wrote the block.</summary>
    public ulong Generation { get; }

    /// <summary>The tree that owns the block.</summary>
    public ulong Owner { get; }

    /// <summary>The number of items (leaf) or key pointers (node).</summary>
    public uint ItemCount { get; }

    /// <summary>0 for a leaf.</summary>
    public byte Level { get; }

    /// <summary>Parses and validates a header: file system id, own address, level and item count against the node size.</summary>
    /// <param name="span">The whole tree block.</param>
    /// <param name="diskOffset">The absolute offset of the copy that was read.</param>
    /// <param name="source">The source name.</param>
    /// <param name="logical">The logical address the block was reached by.</param>
    /// <param name="metadataFsid">The file system id every header must carry.</param>
    public static BtrfsHeader Parse(ReadOnlySpan<byte> span, long diskOffset, string source, ulong logical, ReadOnlySpan<byte> metadataFsid)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_header", "csum", diskOffset, $"{span.Length} bytes are too few for a tree block");
        }

        if (!span.Slice(Layout.Fsid, 16).SequenceEqual(metadataFsid))
        {
            throw new CorruptImageException(source, "btrfs_header", "fsid", diskOffset + Layout.Fsid,
                "the tree block belongs to another file system (fsid differs from the superblock's)");
        }

        ulong bytenr = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Bytenr..]);
        if (bytenr != logical)
        {
            throw new CorruptImageException(source, "btrfs_header", "bytenr", diskOffset + Layout.Bytenr,
                $"the tree block says it lives at logical {bytenr} but was reached at {logical}");
        }

        byte level = span[Layout.Level];
        if (level > BtrfsConstants.MaxLevel)
        {
            throw new CorruptImageException(source, "btrfs_header", "level", diskOffset + Layout.Level,
                $"level {level} exceeds the maximum of {BtrfsConstants.MaxLevel}");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.ItemCount..]);
        int entrySize = level == 0 ? BtrfsItem.Size : BtrfsKeyPtr.Size;
        int capacity = (span.Length - Size) / entrySize;
        if (count > capacity)
        {
            throw new CorruptImageException(source, "btrfs_header", "nritems", diskOffset + Layout.ItemCount,
                $"{count} {(level == 0 ? "items" : "key pointers")} do not fit a {span.Length}-byte node (at most {capacity})");
        }

        if (level > 0 && count == 0)
        {
            throw new CorruptImageException(source, "btrfs_header", "nritems", diskOffset + Layout.ItemCount,
                "an internal node has no key pointers");
        }

        return new BtrfsHeader(bytenr, BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Generation..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Owner..]), count, level);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Csum = 0;
        public const int Fsid = 32;
        public const int Bytenr = 48;
        public const int Flags = 56;
        public const int ChunkTreeUuid = 64;
        public const int Generation = 80;
        public const int Owner = 88;
        public const int ItemCount = 96;
        public const int Level = 100;
    }
}
