using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_inode_item</c>: an inode's size and mode.</summary>
internal readonly struct BtrfsInodeItem
{
    /// <summary>The on-disk size.</summary>
    public const int Size = 160;

    private BtrfsInodeItem(long fileSize, uint mode)
    {
        FileSize = fileSize;
        Mode = mode;
    }

    /// <summary>The size in bytes.</summary>
    public long FileSize { get; }

    /// <summary>The POSIX mode (type and permissions).</summary>
    public uint Mode { get; }

    /// <summary>The type the mode says.</summary>
    public FileSystemEntryType Type => PosixMode.TypeOf(Mode);

    /// <summary>Parses an inode item.</summary>
    public static BtrfsInodeItem Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_inode_item", "size", diskOffset,
                $"an inode item of {span.Length} bytes is shorter than {Size}");
        }

        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.FileSize..]);
        if (size > long.MaxValue)
        {
            throw new CorruptImageException(source, "btrfs_inode_item", "size", diskOffset + Layout.FileSize, $"size {size} is beyond 2^63");
        }

        return new BtrfsInodeItem((long)size, BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Mode..]));
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Generation = 0;
        public const int TransId = 8;
        public const int FileSize = 16;
        public const int NBytes = 24;
        public const int BlockGroup = 32;
        public const int NLink = 40;
        public const int Uid = 44;
        public const int Gid = 48;
        public const int Mode = 52;
        public const int Rdev = 56;
        public const int Flags = 64;
    }
}
