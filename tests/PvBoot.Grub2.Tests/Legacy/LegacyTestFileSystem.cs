using System.Text;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>
/// An <see cref="IFileSystemReader"/> over a real host directory that a test wrote, so the configuration readers can
/// be driven by files made by real tools (update-grub) or written in the shapes distributions use. Paths resolve
/// inside the directory only: <c>..</c> stops at its root and symlinks (relative or absolute) are followed inside it.
/// </summary>
internal sealed class LegacyTestFileSystem : IFileSystemReader
{
    private readonly string root;
    private readonly List<string> warnings = [];

    public LegacyTestFileSystem(string root, string? uuid = null, string? label = null)
    {
        this.root = Path.GetFullPath(root);
        Uuid = uuid;
        Label = label;
        Source = new MemoryBlockSource(Array.Empty<byte>(), this.root);
    }

    public string FileSystemType => "ext2";

    public string? Label { get; }

    public string? Uuid { get; }

    public IBlockSource Source { get; }

    public FileSystemBudgets Budgets { get; } = FileSystemBudgets.Default;

    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>How many lookups were made (tests use it to prove a file was or was not consulted).</summary>
    public List<string> LookedUp { get; } = [];

    public FileSystemEntry? Lookup(ReadOnlySpan<byte> path, bool followFinalSymlink = true)
    {
        if (path.Contains((byte)0))
        {
            // No name on any file system (nor on the host serving this one) contains a NUL byte.
            return null;
        }

        string text = Encoding.UTF8.GetString(path);
        LookedUp.Add(text);
        var resolved = new List<string>();
        var pending = new Stack<string>();
        Push(pending, text);
        int hops = 0;
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name.Length == 0 || name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            string directory = HostPath(resolved);
            if (!Directory.Exists(directory))
            {
                return null;
            }

            string candidate = Path.Combine(directory, name);
            var info = new FileInfo(candidate);
            bool exists = info.Exists || Directory.Exists(candidate) || info.LinkTarget is not null;
            if (!exists)
            {
                return null;
            }

            bool last = pending.Count == 0;
            if (info.LinkTarget is { } target && (!last || followFinalSymlink))
            {
                if (++hops > Budgets.MaxSymlinkHops)
                {
                    throw new CorruptImageException(root, "symlink", "target", -1, "too many symbolic links");
                }

                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                Push(pending, target);
                continue;
            }

            resolved.Add(name);
        }

        string host = HostPath(resolved);
        string display = "/" + string.Join('/', resolved);
        var fileInfo = new FileInfo(host);
        if (fileInfo.LinkTarget is not null)
        {
            return new LegacyTestEntry(display, FileSystemEntryType.Symlink, fileInfo.LinkTarget.Length, host);
        }

        if (Directory.Exists(host))
        {
            return new LegacyTestEntry(display, FileSystemEntryType.Directory, 0, host);
        }

        return fileInfo.Exists ? new LegacyTestEntry(display, FileSystemEntryType.Regular, fileInfo.Length, host) : null;
    }

    public IReadOnlyList<DirectoryListing> ListDirectory(FileSystemEntry directory)
    {
        var entry = (LegacyTestEntry)directory;
        return Directory.EnumerateFileSystemEntries(entry.HostPath)
            .Select(p => new DirectoryListing(Encoding.UTF8.GetBytes(Path.GetFileName(p)), FileSystemEntryType.Unknown))
            .ToList();
    }

    public byte[] ReadSymlinkTarget(FileSystemEntry symlink) =>
        Encoding.UTF8.GetBytes(new FileInfo(((LegacyTestEntry)symlink).HostPath).LinkTarget ?? string.Empty);

    public int Read(FileSystemEntry file, long offset, Span<byte> destination)
    {
        using var stream = File.OpenRead(((LegacyTestEntry)file).HostPath);
        stream.Position = offset;
        int total = 0;
        int read;
        while (total < destination.Length && (read = stream.Read(destination[total..])) > 0)
        {
            total += read;
        }

        return total;
    }

    public void CopyTo(FileSystemEntry file, Stream destination)
    {
        using var stream = File.OpenRead(((LegacyTestEntry)file).HostPath);
        stream.CopyTo(destination);
    }

    private static void Push(Stack<string> pending, string path)
    {
        string[] parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private string HostPath(List<string> components) => components.Count == 0 ? root : Path.Combine([root, .. components]);

    private sealed class LegacyTestEntry(string path, FileSystemEntryType type, long size, string hostPath)
        : FileSystemEntry(Encoding.UTF8.GetBytes(path), type, size)
    {
        public string HostPath { get; } = hostPath;
    }
}
