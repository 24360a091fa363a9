using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Xfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Xfs;

/// <summary>Opens the XFS fixtures: whole-disk file systems, and p1 of the EL-shaped MBR disks.</summary>
internal static class XfsImages
{
    /// <summary>Every committed image holding XFS, with the offset of the file system in it.</summary>
    public static readonly (string Image, long Offset)[] All =
    [
        ("xfs-v5", 0),
        ("xfs-v4", 0),
        ("xfs-v4-noftype", 0),
        ("xfs-frag", 0),
        ("centos7", PartitionOneOffset),
        ("rocky8", PartitionOneOffset),
    ];

    /// <summary>p1 of the EL-shaped disks starts at sector 2048.</summary>
    public const long PartitionOneOffset = 2048 * 512;

    /// <summary>p1 of the EL-shaped disks is 300 MiB.</summary>
    public const long PartitionOneLength = 300L * 1024 * 1024;

    public static long OffsetOf(string image) => All.Single(i => i.Image == image).Offset;

    /// <summary>Opens a fixture (or a patched copy of one at <paramref name="path"/>).</summary>
    public static IFileSystemReader Open(string image, string? path = null, FileSystemBudgets? budgets = null)
    {
        var file = new FileBlockSource(path ?? Fixtures.Image(image));
        long offset = OffsetOf(image);
        IBlockSource source = offset == 0 ? file : file.Slice(offset, PartitionOneLength, file.Name + " (p1)");
        return XfsFileSystem.Open(source, budgets ?? FileSystemBudgets.Default);
    }

    public static FileSystemEntry Lookup(IFileSystemReader reader, string path, bool follow = true)
        => reader.Lookup(PathBytes.FromConfigText(path), follow) ?? throw new AssertionException($"{path} not found");

    public static byte[] ReadAll(IFileSystemReader reader, FileSystemEntry entry)
    {
        using var stream = new MemoryStream();
        reader.CopyTo(entry, stream);
        return stream.ToArray();
    }

    public static byte[] ReadAll(IFileSystemReader reader, string path) => ReadAll(reader, Lookup(reader, path));

    /// <summary>
    /// The extent count and bmbt level that the fixture script read with xfs_db from the finished image, kept in
    /// manifests/xfs-root.tsv as a "#bmbt" line: tag, image, path, extents, level.
    /// </summary>
    public static (long Extents, int Level) RecordedBmbt(string image, string path)
    {
        foreach (string line in File.ReadLines(Path.Combine(Fixtures.Directory, "manifests", "xfs-root.tsv")))
        {
            string[] f = line.Split('\t');
            if (f.Length == 5 && f[0] == "#bmbt" && f[1] == image && f[2] == path)
            {
                return (long.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new AssertionException($"no extent count recorded for {image}:{path}");
    }

    /// <summary>Runs xfs_db read-only on an image (whole-disk fixtures only) and returns its output.</summary>
    public static string XfsDb(string imagePath, params string[] commands)
    {
        var args = new List<string> { "-r" };
        foreach (string command in commands)
        {
            args.Add("-c");
            args.Add(command);
        }

        args.Add(imagePath);
        ToolResult result = Tool.Run("xfs_db", args);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        return System.Text.Encoding.UTF8.GetString(result.Stdout);
    }

    /// <summary>The number after "NAME = " in xfs_db output.</summary>
    public static long XfsDbValue(string output, string name)
    {
        foreach (string line in output.Split('\n'))
        {
            string[] parts = line.Split(" = ", 2);
            if (parts.Length == 2 && parts[0].Trim() == name)
            {
                string value = parts[1].Trim().Split(' ')[0];
                return value.StartsWith("0x", StringComparison.Ordinal)
                    ? Convert.ToInt64(value[2..], 16)
                    : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new AssertionException($"{name} not in xfs_db output:\n{output}");
    }
}
