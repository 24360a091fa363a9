using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_root_item</c>: where a tree (a subvolume, the chunk tree…) has its root block.</summary>
internal readonly struct BtrfsRootItem
{
    /// <summary>The size of the original layout (later versions append fields).</summary>
    public const int Size = 239;

    private BtrfsRootItem(ulong rootDirId, ulong bytenr, byte level)
    {
        RootDirId = rootDirId;
        Bytenr = bytenr;
        Level = level;
    }

    /// <summary>The inode number of the tree's top directory (256).</summary>
    public ulong RootDirId { get; }

    /// <summary>Logical address of the root block.</summary>
    public ulong Bytenr { get; }

    /// <summary>Level of the root block.</summary>
    public byte Level { get; }

    /// <summary>Parses a root item.</summary>
    public static BtrfsRootItem Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_root_item", "bytenr", diskOffset, $"a root item of {span.Length} bytes is shorter than {Size}");
        }

        byte level = span[Layout.Level];
        if (level > BtrfsConstants.MaxLevel)
        {
            throw new CorruptImageException(source, "btrfs_root_item", "level", diskOffset + Layout.Level,
                $"root level {level} exceeds {BtrfsConstants.MaxLevel}");
        }

        return new BtrfsRootItem(
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.RootDirId..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Bytenr..]),
            level);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Inode = 0;
        public const int Generation = 160;
        public const int RootDirId = 168;
        public const int Bytenr = 176;
        public const int ByteLimit = 184;
        public const int BytesUsed = 192;
        public const int LastSnapshot = 200;
        public const int Flags = 208;
        public const int Refs = 216;
        public const int DropProgress = 220;
        public const int DropLevel = 237;
        public const int Level = 238;
    }
}
