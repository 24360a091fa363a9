using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>
/// <c>btrfs_root_ref</c>: the body of a ROOT_REF or ROOT_BACKREF item of the root tree, naming where a subvolume's top
/// directory sits inside its parent subvolume (the directory's inode and the entry's name, which follows the fixed part).
/// </summary>
internal readonly struct BtrfsRootRef
{
    /// <summary>The size of the fixed part.</summary>
    public const int Size = 18;

    private BtrfsRootRef(ulong dirId, int nameLength)
    {
        DirId = dirId;
        NameLength = nameLength;
    }

    /// <summary>The inode, in the parent subvolume, of the directory holding the subvolume's entry.</summary>
    public ulong DirId { get; }

    /// <summary>Length of the name that follows the fixed part.</summary>
    public int NameLength { get; }

    /// <summary>Offset of the name within the span given to <see cref="Parse"/>.</summary>
    public static int NameOffset => Size;

    /// <summary>Parses the item body in <paramref name="span"/>.</summary>
    public static BtrfsRootRef Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_root_ref", "dirid", diskOffset,
                $"a {span.Length}-byte item is too small for a {Size}-byte root reference");
        }

        ulong dirId = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.DirId..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.NameLen..]);
        if (nameLength == 0 || nameLength > BtrfsConstants.MaxNameLength || Size + nameLength > span.Length)
        {
            throw new CorruptImageException(source, "btrfs_root_ref", "name_len", diskOffset + Layout.NameLen,
                $"name length {nameLength} is not between 1 and {Math.Min(BtrfsConstants.MaxNameLength, span.Length - Size)} (the bytes left in the item)");
        }

        return new BtrfsRootRef(dirId, nameLength);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int DirId = 0;
        public const int Sequence = 8;
        public const int NameLen = 16;
    }
}
