using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dir2_sf_entry</c>: one shortform directory entry: name length, a 2-byte offset (the entry's position in
/// the equivalent block directory), the name, the file type (with ftype) and the inode number in 4 or 8 bytes.
/// </summary>
internal readonly struct XfsDir2SfEntry
{
    /// <summary>Bytes of the fixed part (namelen and offset).</summary>
    public const int Size = 3;

    private XfsDir2SfEntry(int nameOffset, int nameLength, byte fileType, ulong inumber, int length)
    {
        NameOffset = nameOffset;
        NameLength = nameLength;
        FileType = fileType;
        Inumber = inumber;
        Length = length;
    }

    /// <summary>Offset of the name within the directory bytes.</summary>
    public int NameOffset { get; }

    /// <summary>namelen.</summary>
    public int NameLength { get; }

    /// <summary>ftype, or 0 without the feature.</summary>
    public byte FileType { get; }

    /// <summary>inumber.</summary>
    public ulong Inumber { get; }

    /// <summary>Bytes of the whole entry.</summary>
    public int Length { get; }

    /// <summary>Parses the entry at <paramref name="position"/>, which must end within <paramref name="directory"/> (di_size bytes).</summary>
    /// <param name="directory">The whole shortform directory.</param>
    /// <param name="position">The entry's offset in it.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="directory"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="hasFType">Whether a file type byte follows the name.</param>
    /// <param name="inodeNumberSize">4 or 8.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="CorruptImageException">The entry crosses di_size.</exception>
    public static XfsDir2SfEntry Parse(ReadOnlySpan<byte> directory, int position, long diskOffset, string source, bool hasFType, int inodeNumberSize)
    {
        if (position < 0 || position > directory.Length - Size)
        {
            throw new CorruptImageException(source, "xfs_dir2_sf_entry", "namelen", diskOffset + position, $"the entry at byte {position} crosses the {directory.Length}-byte directory (di_size)");
        }

        int nameLength = directory[position + Layout.NameLen];
        int length = Size + nameLength + (hasFType ? 1 : 0) + inodeNumberSize;
        if (nameLength == 0 || length > directory.Length - position)
        {
            throw new CorruptImageException(source, "xfs_dir2_sf_entry", "namelen", diskOffset + position + Layout.NameLen,
                $"an entry of {length} bytes with a {nameLength}-byte name does not fit the {directory.Length - position} bytes left of di_size");
        }

        int nameOffset = position + Layout.Name;
        int after = nameOffset + nameLength;
        byte fileType = hasFType ? directory[after++] : (byte)0;
        ulong inumber = 0;
        for (int i = 0; i < inodeNumberSize; i++)
        {
            inumber = (inumber << 8) | directory[after + i];
        }

        return new XfsDir2SfEntry(nameOffset, nameLength, fileType, inumber, length);
    }

    /// <summary>Field offsets within <c>xfs_dir2_sf_entry</c>.</summary>
    public static class Layout
    {
        /// <summary>namelen (u8).</summary>
        public const int NameLen = 0;

        /// <summary>offset (2 bytes).</summary>
        public const int Offset = 1;

        /// <summary>name (namelen bytes), then ftype and the inode number.</summary>
        public const int Name = 3;
    }
}
