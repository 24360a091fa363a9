using System.Diagnostics;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.FileSystems.Tests.Common;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>Images built at test time by scripts/large-btrfs.sh (too big to commit).</summary>
public sealed class BtrfsLargeFileTests
{
    private static readonly Lazy<string> OutDir = new(() =>
    {
        string outDir = Path.Combine(Fixtures.WorkDirectory, "large-btrfs");
        ToolResult made = Tool.Run("bash", [Path.Combine(Fixtures.Directory, "scripts", "large-btrfs.sh"), outDir]);
        Assert.That(made.ExitCode, Is.Zero, made.Stderr);
        return outDir;
    });

    private static IEnumerable<string[]> Manifest(string image)
        => File.ReadAllLines(Path.Combine(OutDir.Value, "manifests", "large-btrfs.tsv")).Select(l => l.Split('\t')).Where(f => f[0] == image);

    [Test]
    public void SmallNodes_ThreeLevelTree_ReadsEveryFileAndName()
    {
        using var source = new FileBlockSource(Path.Combine(OutDir.Value, "images", "btrfs-small-nodes.img"));
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(fs.TreeRootNode(fs.SubvolumeTree(5)).Header.Level, Is.EqualTo(2));
        foreach (string[] file in Manifest("btrfs-small-nodes"))
        {
            Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, file[1]))), Is.EqualTo(file[3]), file[1]);
        }

        var names = fs.ListDirectory(BtrfsTestImage.LookupOrFail(fs, "/bulk")).Select(e => e.DisplayName).ToList();
        Assert.That(names, Is.EquivalentTo(Enumerable.Range(1, 3000).Select(i => $"name-{i:D4}")));
        foreach (int i in new[] { 1, 777, 1500, 2999, 3000 })
        {
            Assert.That(BtrfsTestImage.LookupOrFail(fs, $"/bulk/name-{i:D4}").Size, Is.Zero);
        }

        Assert.That(fs.Lookup("/bulk/name-3001"u8), Is.Null);
    }

    [Test]
    public void LargeFile_StreamsWithBoundedMemory()
    {
        string[] manifest = Manifest("btrfs-large").Single();
        string outDir = OutDir.Value;

        using var source = new FileBlockSource(Path.Combine(outDir, "images", "btrfs-large.img"));
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        FileSystemEntry kernel = BtrfsTestImage.LookupOrFail(fs, manifest[1]);
        Assert.That(kernel.Size, Is.EqualTo(long.Parse(manifest[2], System.Globalization.CultureInfo.InvariantCulture)));

        using var hash = new Sha256Sink();
        fs.CopyTo(kernel, Stream.Null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        fs.CopyTo(kernel, hash);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(hash.Hex(), Is.EqualTo(manifest[3]));
        Assert.That(allocated, Is.LessThan(8L << 20), "memory must not grow with the 96 MiB file");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }
}
