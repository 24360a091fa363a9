using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dir2_sf_hdr</c>: the header of a shortform directory kept in the inode's data fork: the entry count, the
/// number of entries that need 8-byte inode numbers (if any do, all are stored in 8 bytes) and the parent.
/// </summary>
internal readonly struct XfsDir2SfHdr
{
    /// <summary>Bytes of the header with 4-byte inode numbers.</summary>
    public const int Size = 6;

    /// <summary>Bytes of the header with 8-byte inode numbers.</summary>
    public const int Size8 = 10;

    private XfsDir2SfHdr(byte count, byte i8Count, ulong parent)
    {
        Count = count;
        I8Count = i8Count;
        Parent = parent;
    }

    /// <summary>count: entries.</summary>
    public byte Count { get; }

    /// <summary>i8count: inode numbers (the parent's and the entries') that need more than 32 bits.</summary>
    public byte I8Count { get; }

    /// <summary>parent: the parent directory's inode.</summary>
    public ulong Parent { get; }

    /// <summary>Bytes of each stored inode number.</summary>
    public int InodeNumberSize => I8Count != 0 ? 8 : 4;

    /// <summary>Bytes of this header.</summary>
    public int HeaderSize => I8Count != 0 ? Size8 : Size;

    /// <summary>Parses the header at the start of the data fork.</summary>
    /// <param name="span">The directory's di_size bytes.</param>
    /// <param name="diskOffset">The fork's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The header.</returns>
    /// <exception cref="CorruptImageException">The header does not fit di_size or the counts disagree.</exception>
    public static XfsDir2SfHdr Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "xfs_dir2_sf_hdr", "count", diskOffset + Layout.Count, $"a shortform directory of {span.Length} bytes is shorter than its header");
        }

        byte count = span[Layout.Count];
        byte i8 = span[Layout.I8Count];
        if (i8 > count + 1)
        {
            throw new CorruptImageException(source, "xfs_dir2_sf_hdr", "i8count", diskOffset + Layout.I8Count, $"{i8} entries with 8-byte inode numbers out of {count}");
        }

        if (i8 != 0 && span.Length < Size8)
        {
            throw new CorruptImageException(source, "xfs_dir2_sf_hdr", "i8count", diskOffset + Layout.I8Count, $"a shortform directory of {span.Length} bytes is shorter than its 8-byte header");
        }

        ulong parent = i8 != 0 ? BinaryPrimitives.ReadUInt64BigEndian(span[Layout.Parent..]) : BinaryPrimitives.ReadUInt32BigEndian(span[Layout.Parent..]);
        return new XfsDir2SfHdr(count, i8, parent);
    }

    /// <summary>Field offsets within <c>xfs_dir2_sf_hdr</c>.</summary>
    public static class Layout
    {
        /// <summary>count (u8).</summary>
        public const int Count = 0;

        /// <summary>i8count (u8).</summary>
        public const int I8Count = 1;

        /// <summary>parent (4 or 8 bytes).</summary>
        public const int Parent = 2;
    }
}
