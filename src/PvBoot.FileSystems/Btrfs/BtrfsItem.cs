using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_item</c>: a leaf's item header, locating the item's data relative to the end of the node header.</summary>
internal readonly struct BtrfsItem
{
    /// <summary>The on-disk size.</summary>
    public const int Size = 25;

    private BtrfsItem(BtrfsKey key, uint offset, uint dataSize)
    {
        Key = key;
        Offset = offset;
        DataSize = dataSize;
    }

    /// <summary>The item's key.</summary>
    public BtrfsKey Key { get; }

    /// <summary>Where the data starts, counted from the end of <c>btrfs_header</c>.</summary>
    public uint Offset { get; }

    /// <summary>The data's length.</summary>
    public uint DataSize { get; }

    /// <summary>Parses an item header and checks that its data lies inside the leaf's data area.</summary>
    /// <param name="span">The item header's bytes.</param>
    /// <param name="diskOffset">The header's absolute offset.</param>
    /// <param name="source">The source name.</param>
    /// <param name="dataAreaSize">The bytes after <c>btrfs_header</c> in this leaf.</param>
    /// <param name="itemHeadersEnd">The end of the item header array (relative to the data area); data may not overlap it.</param>
    public static BtrfsItem Parse(ReadOnlySpan<byte> span, long diskOffset, string source, int dataAreaSize, int itemHeadersEnd)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_item", "key", diskOffset, $"{span.Length} bytes are too few for a {Size}-byte item");
        }

        BtrfsKey key = BtrfsKey.Parse(span[Layout.Key..], diskOffset + Layout.Key, source);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Offset..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.DataSize..]);
        if ((ulong)offset + size > (ulong)dataAreaSize)
        {
            throw new CorruptImageException(source, "btrfs_item", "offset", diskOffset + Layout.Offset,
                $"item data at {offset}+{size} lies outside the leaf's {dataAreaSize}-byte data area");
        }

        if (offset < itemHeadersEnd)
        {
            throw new CorruptImageException(source, "btrfs_item", "offset", diskOffset + Layout.Offset,
                $"item data at {offset} overlaps the item headers, which end at {itemHeadersEnd}");
        }

        return new BtrfsItem(key, offset, size);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Key = 0;
        public const int Offset = 17;
        public const int DataSize = 21;
    }
}
