using PvBoot.Core.BlockSources;

namespace PvBoot.Core.FileSystems;

/// <summary>
/// Read-only access to one file system inside a guest image. Paths are absolute, <c>/</c>-separated byte strings
/// compared ordinally (case-insensitively only where the format requires it, as FAT); <c>.</c> and <c>..</c> are
/// resolved inside the file system and can never climb above its root; symbolic links are followed inside the same
/// file system, at most <see cref="FileSystemBudgets.MaxSymlinkHops"/> times. Hostile or broken metadata raises
/// <see cref="CorruptImageException"/>; no other exception type escapes for any image bytes.
/// </summary>
public interface IFileSystemReader
{
    /// <summary>The format as GRUB's <c>probe -f</c> names it: <c>ext2</c>, <c>xfs</c>, <c>btrfs</c>, <c>fat</c>, <c>iso9660</c>.</summary>
    string FileSystemType { get; }

    /// <summary>The volume label, or <see langword="null"/>.</summary>
    string? Label { get; }

    /// <summary>The file system UUID formatted as GRUB's <c>search --fs-uuid</c> compares it, or <see langword="null"/>.</summary>
    string? Uuid { get; }

    /// <summary>The bytes this file system was opened on.</summary>
    IBlockSource Source { get; }

    /// <summary>The limits this reader enforces.</summary>
    FileSystemBudgets Budgets { get; }

    /// <summary>Non-fatal findings so far (for example a metadata checksum mismatch whose fields still validated).</summary>
    IReadOnlyList<string> Warnings { get; }

    /// <summary>Finds <paramref name="path"/>.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="followFinalSymlink">Whether a symlink in the last component is followed (intermediate ones always are).</param>
    /// <returns>The entry, or <see langword="null"/> if a component does not exist or is not a directory.</returns>
    FileSystemEntry? Lookup(ReadOnlySpan<byte> path, bool followFinalSymlink = true);

    /// <summary>Lists a directory (without <c>.</c> and <c>..</c>).</summary>
    /// <param name="directory">An entry of type <see cref="FileSystemEntryType.Directory"/> from this reader.</param>
    /// <returns>The names in on-disk order.</returns>
    IReadOnlyList<DirectoryListing> ListDirectory(FileSystemEntry directory);

    /// <summary>Reads a symbolic link's target.</summary>
    /// <param name="symlink">An entry of type <see cref="FileSystemEntryType.Symlink"/> from this reader.</param>
    /// <returns>The target's bytes.</returns>
    byte[] ReadSymlinkTarget(FileSystemEntry symlink);

    /// <summary>Reads part of a regular file. Holes and unwritten extents read as zeros.</summary>
    /// <param name="file">An entry of type <see cref="FileSystemEntryType.Regular"/> from this reader.</param>
    /// <param name="offset">The byte offset within the file.</param>
    /// <param name="destination">Where to put the bytes.</param>
    /// <returns>The number of bytes read: less than requested only at the end of the file.</returns>
    int Read(FileSystemEntry file, long offset, Span<byte> destination);

    /// <summary>
    /// Streams a whole regular file to <paramref name="destination"/> with memory that does not grow with the file,
    /// after checking its size against <see cref="FileSystemBudgets.MaxFileBytes"/>.
    /// </summary>
    /// <param name="file">An entry of type <see cref="FileSystemEntryType.Regular"/> from this reader.</param>
    /// <param name="destination">A writable stream.</param>
    void CopyTo(FileSystemEntry file, Stream destination);
}
