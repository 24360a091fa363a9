namespace PvBoot.Core.FileSystems;

/// <summary>The type of a file system object, as its mode or directory entry says.</summary>
public enum FileSystemEntryType
{
    /// <summary>The type could not be determined (for example a directory entry without a file-type field).</summary>
    Unknown,

    /// <summary>A regular file: the only type that can be read as a kernel or initrd.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    Symlink,

    /// <summary>A character device node.</summary>
    CharacterDevice,

    /// <summary>A block device node.</summary>
    BlockDevice,

    /// <summary>A named pipe.</summary>
    Fifo,

    /// <summary>A socket.</summary>
    Socket,
}
