using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2;

/// <summary>
/// A bare configuration file given on the host (pygrub's <c>--isconfig</c>), seen as a file system holding that file
/// at its absolute host path, under the directories that path names. There is no guest disk to look in, so every
/// other path is taken to exist as an empty regular file: the entries are reported as written, as pygrub's
/// <c>--isconfig</c> reports them without looking at any file.
/// </summary>
internal sealed class HostConfigFileSystem : IFileSystemReader
{
    private readonly byte[] contents;
    private readonly Entry root;
    private readonly Entry file;

    public HostConfigFileSystem(IBlockSource source, string configPath, FileSystemBudgets budgets)
    {
        Source = source;
        Budgets = budgets;
        contents = new byte[source.Length];
        source.ReadExactly(0, contents);
        ConfigPath = configPath;
        root = new Entry("/"u8.ToArray(), FileSystemEntryType.Directory, 0);
        file = new Entry(PathBytes.FromConfigText(ConfigPath), FileSystemEntryType.Regular, contents.Length);
    }

    /// <summary>The path the configuration has in this file system.</summary>
    public string ConfigPath { get; }

    public string FileSystemType => "host";

    public string? Label => null;

    public string? Uuid => null;

    public IBlockSource Source { get; }

    public FileSystemBudgets Budgets { get; }

    public IReadOnlyList<string> Warnings => [];

    public FileSystemEntry? Lookup(ReadOnlySpan<byte> path, bool followFinalSymlink = true)
    {
        // Bytes, not text: a path with characters outside Latin-1 is encoded the same lossy way on both sides.
        ReadOnlySpan<byte> wanted = path.TrimEnd((byte)'/');
        return wanted.SequenceEqual(file.Path.Span) ? file
            : !IsOnTheWay(wanted) ? new Entry(path.ToArray(), FileSystemEntryType.Regular, 0)
            : wanted.IsEmpty ? root
            : new Entry(wanted.ToArray(), FileSystemEntryType.Directory, 0);
    }

    public IReadOnlyList<DirectoryListing> ListDirectory(FileSystemEntry directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ReadOnlySpan<byte> prefix = directory.Path.Span.TrimEnd((byte)'/');
        if (directory.Type != FileSystemEntryType.Directory || !IsOnTheWay(prefix))
        {
            return [];
        }

        // The one entry is the next component of the configuration's path.
        ReadOnlyMemory<byte> rest = file.Path[(prefix.Length + 1)..];
        int slash = rest.Span.IndexOf((byte)'/');
        return [slash < 0
            ? new DirectoryListing(rest, FileSystemEntryType.Regular)
            : new DirectoryListing(rest[..slash], FileSystemEntryType.Directory)];
    }

    public byte[] ReadSymlinkTarget(FileSystemEntry symlink) => throw new ArgumentException("there are no symlinks here", nameof(symlink));

    public int Read(FileSystemEntry file, long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (!ReferenceEquals(file, this.file) || offset >= contents.Length)
        {
            return 0;
        }

        int count = (int)Math.Min(destination.Length, contents.Length - offset);
        contents.AsSpan((int)offset, count).CopyTo(destination);
        return count;
    }

    public void CopyTo(FileSystemEntry file, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (ReferenceEquals(file, this.file))
        {
            destination.Write(contents);
        }
    }

    /// <summary>Whether <paramref name="directory"/> (without a trailing slash; empty for the root) leads to the configuration.</summary>
    private bool IsOnTheWay(ReadOnlySpan<byte> directory)
    {
        ReadOnlySpan<byte> own = file.Path.Span;
        return own.Length > directory.Length && own.StartsWith(directory) && own[directory.Length] == (byte)'/';
    }

    private sealed class Entry(ReadOnlyMemory<byte> path, FileSystemEntryType type, long size) : FileSystemEntry(path, type, size);
}
