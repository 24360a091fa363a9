using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems.Common;

/// <summary>The POSIX <c>st_mode</c> type bits (<c>S_IFMT</c>) that ext, XFS, btrfs inodes and Rock Ridge PX entries share.</summary>
internal static class PosixMode
{
    /// <summary>The mask of the type bits.</summary>
    public const uint TypeMask = 0xF000;

    /// <summary>The type that <paramref name="mode"/>'s <c>S_IFMT</c> bits give.</summary>
    /// <param name="mode">A mode as stored on disk.</param>
    /// <returns>The type, or <see cref="FileSystemEntryType.Unknown"/> for a value POSIX does not define.</returns>
    public static FileSystemEntryType TypeOf(uint mode) => (mode & TypeMask) switch
    {
        0x1000 => FileSystemEntryType.Fifo,
        0x2000 => FileSystemEntryType.CharacterDevice,
        0x4000 => FileSystemEntryType.Directory,
        0x6000 => FileSystemEntryType.BlockDevice,
        0x8000 => FileSystemEntryType.Regular,
        0xA000 => FileSystemEntryType.Symlink,
        0xC000 => FileSystemEntryType.Socket,
        _ => FileSystemEntryType.Unknown,
    };

    /// <summary>
    /// The type a directory entry's file-type code gives: the <c>DT_*</c>-derived numbering (1 regular … 7 symlink) that
    /// ext4's <c>file_type</c>, XFS's <c>ftype</c> and btrfs's <c>dir_item.type</c> share.
    /// </summary>
    /// <param name="code">The code as stored on disk.</param>
    /// <returns>The type, <see cref="FileSystemEntryType.Unknown"/> for 0 (not recorded), or <see langword="null"/> for an undefined code.</returns>
    public static FileSystemEntryType? TypeOfDirectoryEntry(int code) => code switch
    {
        0 => FileSystemEntryType.Unknown,
        1 => FileSystemEntryType.Regular,
        2 => FileSystemEntryType.Directory,
        3 => FileSystemEntryType.CharacterDevice,
        4 => FileSystemEntryType.BlockDevice,
        5 => FileSystemEntryType.Fifo,
        6 => FileSystemEntryType.Socket,
        7 => FileSystemEntryType.Symlink,
        _ => null,
    };
}
