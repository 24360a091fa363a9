using System.Diagnostics;
using System.Text;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Xfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Xfs;

/// <summary>
/// The sparse 2.2 TiB image that <c>tests/fixtures/scripts/large-xfs.sh</c> builds at test time: 8-byte inode numbers
/// in shortform directories and a /boot that is a B+tree directory of 100,000 entries.
/// </summary>
[NonParallelizable]
public class XfsLargeImageTests
{
    private static readonly Lazy<(string Image, IReadOnlyList<ManifestEntry> Manifest, TimeSpan BuildTime)> Large = new(Build);

    [Test]
    public void LargeImage_BuildsQuickly()
    {
        TestContext.Out.WriteLine($"large-xfs.sh took {Large.Value.BuildTime.TotalSeconds:F1} s");
        Assert.That(Large.Value.BuildTime, Is.LessThan(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public void ShortformRoot_With8ByteInodeNumbers_ReachesFilesAbove2To32()
    {
        string image = Large.Value.Image;
        string root = XfsImages.XfsDb(image, "inode 128", "p core.format u3.sfdir3.hdr.i8count");
        Assert.That(XfsImages.XfsDbValue(root, "core.format"), Is.EqualTo(1));
        Assert.That(XfsImages.XfsDbValue(root, "u3.sfdir3.hdr.i8count"), Is.GreaterThan(0));
        IFileSystemReader reader = Open();

        ulong largest = 0;
        foreach (ManifestEntry entry in Large.Value.Manifest)
        {
            FileSystemEntry file = XfsImages.Lookup(reader, entry.Path);
            largest = Math.Max(largest, XfsFileSystem.InodeNumberOf(file));
            Assert.That(Fixtures.Sha256(XfsImages.ReadAll(reader, file)), Is.EqualTo(entry.Sha256), entry.Path);
            if (entry.Path.StartsWith("/d", StringComparison.Ordinal))
            {
                ToolResult grub = Tool.Run("grub-fstest", [image, "cat", entry.Path]);
                Assert.That(Fixtures.Sha256(grub.Stdout), Is.EqualTo(entry.Sha256), "grub-fstest " + entry.Path);
            }
        }

        Assert.That(largest, Is.GreaterThan((ulong)uint.MaxValue));
        Assert.That(reader.Warnings, Is.Empty);
    }

    [Test]
    public void BtreeDirectory_Of100000Entries_ListsAndLooksUpWithinBudget()
    {
        string db = XfsImages.XfsDb(Large.Value.Image, "path /boot", "inode", "p core.format core.nextents");
        Assert.That(XfsImages.XfsDbValue(db, "core.format"), Is.EqualTo(3), "/boot has a bmbt data fork");
        IFileSystemReader reader = Open();
        var stopwatch = Stopwatch.StartNew();

        IReadOnlyList<DirectoryListing> listing = reader.ListDirectory(XfsImages.Lookup(reader, "/boot"));
        FileSystemEntry last = XfsImages.Lookup(reader, "/boot/zz-last");
        FileSystemEntry middle = XfsImages.Lookup(reader, "/boot/config-054321-with-a-longer-name");
        stopwatch.Stop();

        Assert.That(listing, Has.Count.EqualTo(100002));
        Assert.That(listing.Select(l => Encoding.ASCII.GetString(l.Name.Span)).Distinct().Count(), Is.EqualTo(100002));
        Assert.That(last.Size, Is.EqualTo(3000));
        Assert.That(middle.Size, Is.Zero);
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        TestContext.Out.WriteLine($"listing + 2 lookups: {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Test]
    public void BtreeDirectory_UnderATightEntryBudget_StopsWithLimitExceeded()
    {
        IFileSystemReader reader = Open(new FileSystemBudgets { MaxDirectoryEntries = 10000 });

        var error = Assert.Throws<PvBoot.Core.CorruptImageException>(() => reader.ListDirectory(XfsImages.Lookup(reader, "/boot")));

        Assert.That(error!.Kind, Is.EqualTo(PvBoot.Core.ImageProblem.LimitExceeded));
    }

    private static IFileSystemReader Open(FileSystemBudgets? budgets = null)
        => XfsFileSystem.Open(new PvBoot.Core.BlockSources.FileBlockSource(Large.Value.Image), budgets ?? FileSystemBudgets.Default);

    private static (string, IReadOnlyList<ManifestEntry>, TimeSpan) Build()
    {
        string outDir = Path.Combine(Fixtures.WorkDirectory, "large-xfs");
        var stopwatch = Stopwatch.StartNew();
        ToolResult result = Tool.Run("bash", [Path.Combine(Fixtures.Directory, "scripts", "large-xfs.sh"), outDir], timeoutSeconds: 300);
        stopwatch.Stop();
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        var manifest = Encoding.UTF8.GetString(result.Stdout)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => new ManifestEntry(f[0], f[1], long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), f[3]))
            .ToList();
        return (Path.Combine(outDir, "xfs-large.img"), manifest, stopwatch.Elapsed);
    }
}
