using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dir2_data_entry</c> and <c>xfs_dir2_data_unused</c>: the records of a directory data block. An entry is
/// the inode number, name length, name, file type (with ftype) and a tag holding its own offset, padded to 8 bytes;
/// a free region starts with 0xFFFF and its length and also ends in a tag.
/// </summary>
internal readonly struct XfsDir2DataEntry
{
    /// <summary>Bytes of the fixed part (inumber and namelen).</summary>
    public const int Size = 9;

    /// <summary>The freetag of an unused region.</summary>
    public const ushort FreeTag = 0xFFFF;

    private XfsDir2DataEntry(bool isFree, ulong inumber, int nameOffset, int nameLength, byte fileType, int length)
    {
        IsFree = isFree;
        Inumber = inumber;
        NameOffset = nameOffset;
        NameLength = nameLength;
        FileType = fileType;
        Length = length;
    }

    /// <summary>Whether this is a free region (<c>xfs_dir2_data_unused</c>).</summary>
    public bool IsFree { get; }

    /// <summary>inumber.</summary>
    public ulong Inumber { get; }

    /// <summary>Offset of the name within the block.</summary>
    public int NameOffset { get; }

    /// <summary>namelen.</summary>
    public int NameLength { get; }

    /// <summary>ftype, or 0.</summary>
    public byte FileType { get; }

    /// <summary>Bytes the record occupies (a multiple of 8).</summary>
    public int Length { get; }

    /// <summary>Parses the record at <paramref name="position"/>, which must end by <paramref name="end"/>.</summary>
    /// <param name="block">The directory block.</param>
    /// <param name="position">The record's offset in the block.</param>
    /// <param name="end">Where the data records end (the block end, or the leaf of a single-block directory).</param>
    /// <param name="diskOffset">The block's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="hasFType">Whether entries carry a file type byte.</param>
    /// <returns>The record.</returns>
    /// <exception cref="CorruptImageException">The record crosses <paramref name="end"/>, has no name or a wrong tag.</exception>
    public static XfsDir2DataEntry Parse(ReadOnlySpan<byte> block, int position, int end, long diskOffset, string source, bool hasFType)
    {
        if (position < 0 || end > block.Length || position > end - 8)
        {
            throw new CorruptImageException(source, "xfs_dir2_data_entry", "inumber", diskOffset + position, $"a record at byte {position} crosses the end of the data at {end}");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(block[position..]) == FreeTag)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(block[(position + UnusedLayout.Length)..]);
            if (length < 8 || length % 8 != 0 || length > end - position)
            {
                throw new CorruptImageException(source, "xfs_dir2_data_unused", "length", diskOffset + position + UnusedLayout.Length,
                    $"a free region of {length} bytes at byte {position} is not a multiple of 8 within the {end - position} bytes left");
            }

            CheckTag(block, position, length, diskOffset, source, "xfs_dir2_data_unused");
            return new XfsDir2DataEntry(true, 0, 0, 0, 0, length);
        }

        int nameLength = block[position + Layout.NameLen];
        int entryLength = (Size + nameLength + (hasFType ? 1 : 0) + 2 + 7) & ~7;
        if (nameLength == 0 || entryLength > end - position)
        {
            throw new CorruptImageException(source, "xfs_dir2_data_entry", "namelen", diskOffset + position + Layout.NameLen,
                $"an entry with a {nameLength}-byte name ({entryLength} bytes) at byte {position} crosses the end of the data at {end}");
        }

        CheckTag(block, position, entryLength, diskOffset, source, "xfs_dir2_data_entry");
        ulong inumber = BinaryPrimitives.ReadUInt64BigEndian(block[(position + Layout.Inumber)..]);
        byte fileType = hasFType ? block[position + Layout.Name + nameLength] : (byte)0;
        return new XfsDir2DataEntry(false, inumber, position + Layout.Name, nameLength, fileType, entryLength);
    }

    private static void CheckTag(ReadOnlySpan<byte> block, int position, int length, long diskOffset, string source, string structure)
    {
        int tagAt = position + length - 2;
        int tag = BinaryPrimitives.ReadUInt16BigEndian(block[tagAt..]);
        if (tag != position)
        {
            throw new CorruptImageException(source, structure, "tag", diskOffset + tagAt, $"the tag {tag} does not name the record's own offset {position}");
        }
    }

    /// <summary>Field offsets within <c>xfs_dir2_data_entry</c>.</summary>
    public static class Layout
    {
        /// <summary>inumber (u64).</summary>
        public const int Inumber = 0;

        /// <summary>namelen (u8).</summary>
        public const int NameLen = 8;

        /// <summary>name (namelen bytes), then ftype, padding and the tag (u16) in the last two bytes.</summary>
        public const int Name = 9;
    }

    /// <summary>Field offsets within <c>xfs_dir2_data_unused</c>.</summary>
    public static class UnusedLayout
    {
        /// <summary>freetag (u16, 0xFFFF).</summary>
        public const int FreeTag = 0;

        /// <summary>length (u16).</summary>
        public const int Length = 2;
    }
}
