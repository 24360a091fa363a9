using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_dir_item</c>: one name in a DIR_ITEM or DIR_INDEX item; the name follows the fixed part.</summary>
internal readonly struct BtrfsDirItem
{
    /// <summary>The size of the fixed part.</summary>
    public const int Size = 30;

    private BtrfsDirItem(BtrfsKey location, byte type, int nameOffset, int nameLength, int totalSize)
    {
        Location = location;
        Type = type;
        NameOffset = nameOffset;
        NameLength = nameLength;
        TotalSize = totalSize;
    }

    /// <summary>The inode (INODE_ITEM key) or subvolume (ROOT_ITEM key) the name refers to.</summary>
    public BtrfsKey Location { get; }

    /// <summary>The BTRFS_FT_* type.</summary>
    public byte Type { get; }

    /// <summary>Offset of the name within the span given to <see cref="Parse"/>.</summary>
    public int NameOffset { get; }

    /// <summary>Length of the name.</summary>
    public int NameLength { get; }

    /// <summary>Bytes this entry occupies (fixed part, name and data).</summary>
    public int TotalSize { get; }

    /// <summary>The entry type the directory records.</summary>
    public FileSystemEntryType EntryType => PosixMode.TypeOfDirectoryEntry(Type) ?? FileSystemEntryType.Unknown;

    /// <summary>Parses one entry at the start of <paramref name="span"/>, the rest of its item.</summary>
    public static BtrfsDirItem Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_dir_item", "location", diskOffset,
                $"{span.Length} bytes left in the item are too few for a {Size}-byte directory entry");
        }

        BtrfsKey location = BtrfsKey.Parse(span[Layout.Location..], diskOffset + Layout.Location, source);
        int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.DataLen..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.NameLen..]);
        if (nameLength == 0 || nameLength > BtrfsConstants.MaxNameLength)
        {
            throw new CorruptImageException(source, "btrfs_dir_item", "name_len", diskOffset + Layout.NameLen,
                $"name length {nameLength} is not between 1 and {BtrfsConstants.MaxNameLength}");
        }

        if (Size + nameLength > span.Length)
        {
            throw new CorruptImageException(source, "btrfs_dir_item", "name_len", diskOffset + Layout.NameLen,
                $"a {nameLength}-byte name runs past the {span.Length} bytes left in the item");
        }

        if (Size + nameLength + dataLength > span.Length)
        {
            throw new CorruptImageException(source, "btrfs_dir_item", "data_len", diskOffset + Layout.DataLen,
                $"name ({nameLength} bytes) and data ({dataLength} bytes) run past the {span.Length} bytes left in the item");
        }

        if (dataLength != 0)
        {
            throw new CorruptImageException(source, "btrfs_dir_item", "data_len", diskOffset + Layout.DataLen,
                $"a directory entry carries {dataLength} bytes of data (only extended attributes do)");
        }

        if (location.Type is not (BtrfsConstants.InodeItemKey or BtrfsConstants.RootItemKey))
        {
            throw new CorruptImageException(source, "btrfs_dir_item", "location", diskOffset + Layout.Location,
                $"the entry points at a key of type {location.Type}, neither an inode nor a subvolume");
        }

        return new BtrfsDirItem(location, span[Layout.Type], Size, nameLength, Size + nameLength + dataLength);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Location = 0;
        public const int TransId = 17;
        public const int DataLen = 25;
        public const int NameLen = 27;
        public const int Type = 29;
    }
}
