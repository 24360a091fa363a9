using System.Text;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// A test-side <see cref="IFileSystemReader"/> serving a real directory that a test wrote to disk (the image readers
/// are tested elsewhere; these tests need only the file-system contract). Paths never leave the directory.
/// </summary>
internal sealed class HostDirectoryFileSystem : IFileSystemReader
{
    private readonly string root;

    public HostDirectoryFileSystem(string root, string? uuid = null, string? label = null)
    {
        this.root = Path.GetFullPath(root);
        Uuid = uuid;
        Label = label;
        Source = new MemoryBlockSource(ReadOnlyMemory<byte>.Empty, root);
    }

    public string FileSystemType => "ext2";

    public string? Label { get; }

    public string? Uuid { get; }

    public IBlockSource Source { get; }

    public FileSystemBudgets Budgets => FileSystemBudgets.Default;

    public IReadOnlyList<string> Warnings => [];

    /// <summary>A fresh directory under the test work directory.</summary>
    public static string NewDirectory(string name)
    {
        string dir = Path.Combine(Fixtures.WorkDirectory, "grub2-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes a file (Latin-1 text) below <paramref name="root"/>, creating directories.</summary>
    public static void Write(string root, string path, string content)
    {
        string full = Path.Combine(root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, Encoding.Latin1.GetBytes(content));
    }

    public FileSystemEntry? Lookup(ReadOnlySpan<byte> path, bool followFinalSymlink = true)
    {
        if (path.Contains((byte)0))
        {
            // No name on any file system (nor on the host serving this one) contains a NUL byte.
            return null;
        }

        string text = Encoding.Latin1.GetString(path);
        var parts = new List<string>();
        foreach (string part in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        string full = Path.Combine([root, .. parts]);
        string normalized = "/" + string.Join('/', parts);
        if (Directory.Exists(full))
        {
            return new Entry(full, normalized, FileSystemEntryType.Directory, 0);
        }

        if (File.Exists(full))
        {
            return new Entry(full, normalized, FileSystemEntryType.Regular, new FileInfo(full).Length);
        }

        return null;
    }

    public IReadOnlyList<DirectoryListing> ListDirectory(FileSystemEntry directory)
    {
        string full = ((Entry)directory).HostPath;
        return Directory.EnumerateFileSystemEntries(full)
            .Order(StringComparer.Ordinal)
            .Select(p => new DirectoryListing(
                Encoding.Latin1.GetBytes(Path.GetFileName(p)),
                Directory.Exists(p) ? FileSystemEntryType.Directory : FileSystemEntryType.Regular))
            .ToList();
    }

    public byte[] ReadSymlinkTarget(FileSystemEntry symlink) => throw new NotSupportedException();

    public int Read(FileSystemEntry file, long offset, Span<byte> destination)
    {
        using FileStream stream = File.OpenRead(((Entry)file).HostPath);
        stream.Position = offset;
        return stream.Read(destination);
    }

    public void CopyTo(FileSystemEntry file, Stream destination)
    {
        using FileStream stream = File.OpenRead(((Entry)file).HostPath);
        stream.CopyTo(destination);
    }

    private sealed class Entry(string hostPath, string path, FileSystemEntryType type, long size)
        : FileSystemEntry(Encoding.Latin1.GetBytes(path), type, size)
    {
        public string HostPath { get; } = hostPath;
    }
}

/// <summary>A test <see cref="IBootDeviceMap"/> over named host directories.</summary>
internal sealed class TestDeviceMap : IBootDeviceMap
{
    private readonly List<(string Name, IFileSystemReader Reader)> devices = [];

    public IReadOnlyList<string> DeviceNames => [.. devices.Select(d => d.Name)];

    public TestDeviceMap Add(string name, IFileSystemReader reader)
    {
        devices.Add((name, reader));
        return this;
    }

    public IFileSystemReader? Open(string device)
    {
        string wanted = Normalize(device);
        return devices.FirstOrDefault(d => Normalize(d.Name) == wanted).Reader;
    }

    private static string Normalize(string device) =>
        device.Trim('(', ')').Replace("msdos", string.Empty, StringComparison.Ordinal).Replace("gpt", string.Empty, StringComparison.Ordinal);
}
