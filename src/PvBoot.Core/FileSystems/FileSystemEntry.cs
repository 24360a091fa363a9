namespace PvBoot.Core.FileSystems;

/// <summary>
/// A file system object found by <see cref="IFileSystemReader.Lookup"/>. Each reader derives its own entry type that
/// remembers where the object lives; pass an entry only to the reader that returned it.
/// </summary>
public abstract class FileSystemEntry
{
    /// <summary>Initialises the common fields.</summary>
    /// <param name="path">The resolved absolute path (symlinks followed, <c>.</c> and <c>..</c> removed).</param>
    /// <param name="type">The object's type.</param>
    /// <param name="size">The object's size in bytes as the file system records it.</param>
    protected FileSystemEntry(ReadOnlyMemory<byte> path, FileSystemEntryType type, long size)
    {
        Path = path;
        Type = type;
        Size = size;
    }

    /// <summary>The resolved absolute path, as bytes (names are not decoded).</summary>
    public ReadOnlyMemory<byte> Path { get; }

    /// <summary>The object's type.</summary>
    public FileSystemEntryType Type { get; }

    /// <summary>The size in bytes the file system records (for a symlink, the target's length).</summary>
    public long Size { get; }

    /// <summary>The path decoded for display: UTF-8 where valid, other bytes escaped as <c>\xNN</c>.</summary>
    public string DisplayPath => PathBytes.ToDisplayString(Path.Span);

    /// <inheritdoc />
    public override string ToString() => $"{DisplayPath} ({Type}, {Size} bytes)";
}
