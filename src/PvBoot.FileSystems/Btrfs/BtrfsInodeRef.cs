using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>
/// <c>btrfs_inode_ref</c>: one name of an inode in the INODE_REF item keyed (inode, INODE_REF, parent directory);
/// the name follows the fixed part.
/// </summary>
internal readonly struct BtrfsInodeRef
{
    /// <summary>The size of the fixed part.</summary>
    public const int Size = 10;

    private BtrfsInodeRef(int nameLength) => NameLength = nameLength;

    /// <summary>Length of the name that follows the fixed part.</summary>
    public int NameLength { get; }

    /// <summary>Offset of the name within the span given to <see cref="Parse"/>.</summary>
    public static int NameOffset => Size;

    /// <summary>Parses the first reference at the start of <paramref name="span"/>, the rest of its item.</summary>
    public static BtrfsInodeRef Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_inode_ref", "index", diskOffset,
                $"{span.Length} bytes left in the item are too few for a {Size}-byte inode reference");
        }

        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.NameLen..]);
        if (nameLength == 0 || nameLength > BtrfsConstants.MaxNameLength || Size + nameLength > span.Length)
        {
            throw new CorruptImageException(source, "btrfs_inode_ref", "name_len", diskOffset + Layout.NameLen,
                $"name length {nameLength} is not between 1 and {Math.Min(BtrfsConstants.MaxNameLength, span.Length - Size)} (the bytes left in the item)");
        }

        return new BtrfsInodeRef(nameLength);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Index = 0;
        public const int NameLen = 8;
    }
}
