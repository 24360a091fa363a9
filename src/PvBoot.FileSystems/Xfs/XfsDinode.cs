using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dinode</c>: an inode core (100 bytes for versions 1 and 2, 176 for version 3) followed by the data fork and
/// the attribute fork. Parsing validates the fields the reader relies on against the inode buffer: the mode, the
/// format that goes with it, the size, the fork offset and the extent count the fork must hold.
/// </summary>
internal readonly struct XfsDinode
{
    /// <summary>Bytes of a version 1/2 inode core.</summary>
    public const int Size = 100;

    /// <summary>Bytes of a version 3 inode core.</summary>
    public const int Version3Size = 176;

    /// <summary>"IN".</summary>
    public const ushort Magic = 0x494E;

    /// <summary>di_format: device number in the fork.</summary>
    public const byte FormatDev = 0;

    /// <summary>di_format: data inline in the fork.</summary>
    public const byte FormatLocal = 1;

    /// <summary>di_format: an extent list in the fork.</summary>
    public const byte FormatExtents = 2;

    /// <summary>di_format: the root of a bmbt in the fork.</summary>
    public const byte FormatBtree = 3;

    /// <summary>di_flags: the data lives on the realtime device.</summary>
    public const ushort FlagRealtime = 0x1;

    /// <summary>di_flags2: di_big_nextents holds the data fork's extent count.</summary>
    public const ulong Flag2NRExt64 = 0x10;

    /// <summary>Longest symbolic link target (XFS_SYMLINK_MAXLEN).</summary>
    public const int SymlinkMaxLength = 1024;

    private XfsDinode(ReadOnlySpan<byte> s, int coreSize, bool bigExtents)
    {
        Mode = BinaryPrimitives.ReadUInt16BigEndian(s[Layout.Mode..]);
        Version = s[Layout.Version];
        Format = s[Layout.Format];
        DataSize = BinaryPrimitives.ReadInt64BigEndian(s[Layout.Size..]);
        ForkOff = s[Layout.ForkOff];
        Flags = BinaryPrimitives.ReadUInt16BigEndian(s[Layout.Flags..]);
        Flags2 = coreSize == Version3Size ? BinaryPrimitives.ReadUInt64BigEndian(s[Layout.Flags2..]) : 0;
        Ino = coreSize == Version3Size ? BinaryPrimitives.ReadUInt64BigEndian(s[Layout.Ino..]) : 0;
        NExtents = bigExtents
            ? BinaryPrimitives.ReadUInt64BigEndian(s[Layout.BigNExtents..])
            : BinaryPrimitives.ReadUInt32BigEndian(s[Layout.NExtents..]);
        BigExtents = bigExtents;
        CoreSize = coreSize;
        int literal = s.Length - coreSize;
        DataForkSize = ForkOff != 0 ? ForkOff * 8 : literal;
    }

    /// <summary>di_mode.</summary>
    public ushort Mode { get; }

    /// <summary>di_version (1, 2 or 3).</summary>
    public byte Version { get; }

    /// <summary>di_format: how the data fork is stored.</summary>
    public byte Format { get; }

    /// <summary>di_size: bytes in the file.</summary>
    public long DataSize { get; }

    /// <summary>di_forkoff: the attribute fork's offset in 8-byte units, 0 if none.</summary>
    public byte ForkOff { get; }

    /// <summary>di_flags.</summary>
    public ushort Flags { get; }

    /// <summary>di_flags2 (version 3).</summary>
    public ulong Flags2 { get; }

    /// <summary>di_ino (version 3): the inode's own number.</summary>
    public ulong Ino { get; }

    /// <summary>Data fork extents: di_nextents, or di_big_nextents with nrext64.</summary>
    public ulong NExtents { get; }

    /// <summary>Whether the extent count is di_big_nextents.</summary>
    public bool BigExtents { get; }

    /// <summary>Bytes of the core; the data fork starts here.</summary>
    public int CoreSize { get; }

    /// <summary>Bytes of the data fork.</summary>
    public int DataForkSize { get; }

    /// <summary>The type from the mode.</summary>
    public FileSystemEntryType Type => TypeOfMode(Mode);

    /// <summary>The type that <paramref name="mode"/>'s S_IFMT bits give.</summary>
    public static FileSystemEntryType TypeOfMode(ushort mode) => PosixMode.TypeOf(mode);

    /// <summary>Parses and validates one inode.</summary>
    /// <param name="span">The whole inode (sb_inodesize bytes).</param>
    /// <param name="diskOffset">The inode's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="sb">The superblock (version, nrext64).</param>
    /// <param name="ino">The inode number that led here (a v3 inode must carry it).</param>
    /// <returns>The inode.</returns>
    /// <exception cref="CorruptImageException">A field contradicts the format.</exception>
    public static XfsDinode Parse(ReadOnlySpan<byte> span, long diskOffset, string source, in XfsDsb sb, ulong ino)
    {
        int coreSize = sb.IsV5 ? Version3Size : Size;
        if (span.Length < coreSize + 8)
        {
            throw Error(source, "di_magic", diskOffset, 0, $"{span.Length} bytes are too few for an inode");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(span) != Magic)
        {
            throw Error(source, "di_magic", diskOffset, Layout.Magic, $"inode {ino} has no IN magic");
        }

        byte version = span[Layout.Version];
        if (sb.IsV5 ? version != 3 : version is not (1 or 2))
        {
            throw Error(source, "di_version", diskOffset, Layout.Version, $"inode version {version} does not belong on a v{sb.Version} file system");
        }

        ulong flags2 = sb.IsV5 ? BinaryPrimitives.ReadUInt64BigEndian(span[Layout.Flags2..]) : 0;
        bool big = (flags2 & Flag2NRExt64) != 0;
        if (big && !sb.HasNRExt64)
        {
            throw Error(source, "di_flags2", diskOffset, Layout.Flags2, "64-bit extent counters without the nrext64 feature");
        }

        var inode = new XfsDinode(span, coreSize, big);
        inode.Validate(source, diskOffset, span.Length - coreSize, ino);
        return inode;
    }

    private void Validate(string source, long at, int literal, ulong ino)
    {
        if (CoreSize == Version3Size && Ino != ino)
        {
            throw Error(source, "di_ino", at, Layout.Ino, $"inode {ino} says it is inode {Ino}");
        }

        FileSystemEntryType type = Type;
        if (type == FileSystemEntryType.Unknown)
        {
            throw Error(source, "di_mode", at, Layout.Mode, $"inode {ino} has no valid file type in mode 0{Convert.ToString(Mode, 8)} (a free inode?)");
        }

        if (DataSize < 0)
        {
            throw Error(source, "di_size", at, Layout.Size, $"inode {ino} has a negative size {DataSize}");
        }

        if (ForkOff != 0 && ForkOff * 8 >= literal)
        {
            throw Error(source, "di_forkoff", at, Layout.ForkOff, $"attribute fork offset {ForkOff * 8} lies outside the {literal}-byte literal area");
        }

        if ((Flags & FlagRealtime) != 0)
        {
            throw Error(source, "di_flags", at, Layout.Flags, $"inode {ino} keeps its data on the realtime device", ImageProblem.Unsupported);
        }

        bool formatFits = type switch
        {
            FileSystemEntryType.Regular => Format is FormatExtents or FormatBtree,
            FileSystemEntryType.Directory or FileSystemEntryType.Symlink => Format is FormatLocal or FormatExtents or FormatBtree,
            _ => Format == FormatDev,
        };
        if (!formatFits)
        {
            throw Error(source, "di_format", at, Layout.Format, $"data fork format {Format} does not fit a {type} (mode 0{Convert.ToString(Mode, 8)})");
        }

        switch (Format)
        {
            case FormatLocal when DataSize > DataForkSize:
                throw Error(source, "di_size", at, Layout.Size, $"{DataSize} bytes of inline data exceed the {DataForkSize}-byte data fork");
            case FormatExtents when NExtents > (ulong)(DataForkSize / XfsBmbtRec.Size):
                throw Error(source, BigExtents ? "di_big_nextents" : "di_nextents", at, BigExtents ? Layout.BigNExtents : Layout.NExtents, $"{NExtents} extents do not fit the {DataForkSize}-byte data fork");
            default:
                break;
        }

        if (type == FileSystemEntryType.Symlink && (DataSize == 0 || DataSize > SymlinkMaxLength))
        {
            throw Error(source, "di_size", at, Layout.Size, $"a symlink target of {DataSize} bytes is outside 1..{SymlinkMaxLength}");
        }
    }

    private static CorruptImageException Error(string source, string field, long at, int fieldOffset, string problem, ImageProblem kind = ImageProblem.Corrupt)
        => new(source, "xfs_dinode", field, at + fieldOffset, problem, kind);

    /// <summary>Field offsets within <c>xfs_dinode</c>.</summary>
    public static class Layout
    {
        /// <summary>di_magic (u16).</summary>
        public const int Magic = 0;

        /// <summary>di_mode (u16).</summary>
        public const int Mode = 2;

        /// <summary>di_version (u8).</summary>
        public const int Version = 4;

        /// <summary>di_format (u8).</summary>
        public const int Format = 5;

        /// <summary>di_big_nextents (u64, nrext64).</summary>
        public const int BigNExtents = 24;

        /// <summary>di_size (s64).</summary>
        public const int Size = 56;

        /// <summary>di_nextents (u32).</summary>
        public const int NExtents = 76;

        /// <summary>di_forkoff (u8).</summary>
        public const int ForkOff = 82;

        /// <summary>di_flags (u16).</summary>
        public const int Flags = 90;

        /// <summary>di_crc (little-endian u32, v3).</summary>
        public const int Crc = 100;

        /// <summary>di_flags2 (u64, v3).</summary>
        public const int Flags2 = 120;

        /// <summary>di_ino (u64, v3).</summary>
        public const int Ino = 152;
    }
}
