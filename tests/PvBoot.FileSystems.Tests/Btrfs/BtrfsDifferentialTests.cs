using System.Text;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>Every file of every btrfs fixture, read by PvBoot, equals what GRUB 2.06 and btrfs-progs read.</summary>
public sealed class BtrfsDifferentialTests
{
    // GRUB 2.06 fails on two kinds of files that the kernel and btrfs-progs read (and EveryFile_EqualsBtrfsRestore
    // checks): preallocated extents, and holes without hole extents (the no-holes feature, default since 5.15).
    private static readonly Dictionary<string, string> GrubLimitations = new()
    {
        ["/prealloc.bin"] = "unsupported extent type 0x2",
        ["/holes.bin"] = "extent not found",
    };

    private static IEnumerable<TestCaseData> ImageCases() => BtrfsTestImage.Images.Select(i => new TestCaseData(i));

    [TestCaseSource(nameof(ImageCases))]
    public void EveryFile_EqualsGrubFstestCat(string image)
    {
        string path = Fixtures.Image(image);
        using FileBlockSource source = new(path);
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        int compared = 0;
        foreach (ManifestEntry file in Fixtures.Manifest(image))
        {
            byte[] ours = BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, file.Path));
            ToolResult grub = Tool.Run("grub-fstest", [path, "cat", file.Path]);
            if (GrubLimitations.TryGetValue(file.Path, out string? limitation))
            {
                Assert.That(grub.Stderr, Does.Contain(limitation), $"GRUB 2.06 is expected to fail on {file.Path}");
                continue;
            }

            Assert.That(grub.ExitCode, Is.Zero, $"grub-fstest cat {file.Path}: {grub.Stderr}");
            Assert.That(ours, Is.EqualTo(grub.Stdout), file.Path);
            compared++;
        }

        Assert.That(compared, Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(ImageCases))]
    public void EveryFile_EqualsBtrfsRestore(string image)
    {
        string path = Fixtures.Image(image);
        string target = Path.Combine(Fixtures.WorkDirectory, $"restore-{image}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        ToolResult restore = Tool.Run("btrfs", ["restore", path, target]);
        Assert.That(restore.ExitCode, Is.Zero, restore.Stderr);
        using FileBlockSource source = new(path);
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(image);
        foreach (ManifestEntry file in manifest)
        {
            byte[] ours = BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, file.Path));
            byte[] theirs = File.ReadAllBytes(Path.Combine(target, file.Path.TrimStart('/')));
            Assert.That(ours, Is.EqualTo(theirs), file.Path);
        }

        int restored = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Count();
        Assert.That(restored, Is.EqualTo(manifest.Count), "btrfs restore and the manifest list the same regular files");
    }

    [TestCase("btrfs-rootdir", "/")]
    [TestCase("btrfs-rootdir", "/boot")]
    [TestCase("btrfs-subvol", "/")]
    [TestCase("btrfs-subvol", "/@/boot")]
    [TestCase("btrfs-compress", "/zstd")]
    // Not /many: GRUB 2.06 lists the two names whose hashes collide endlessly (its DIR_ITEM walk repeats the second).
    public void Listing_EqualsGrubFstestLs(string image, string directory)
    {
        string path = Fixtures.Image(image);
        using FileBlockSource source = new(path);
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        var ours = fs.ListDirectory(BtrfsTestImage.LookupOrFail(fs, directory))
            .Select(e => e.DisplayName + (e.Type == FileSystemEntryType.Directory ? "/" : string.Empty))
            .Order(StringComparer.Ordinal).ToList();
        ToolResult grub = Tool.Run("grub-fstest", [path, "ls", directory]);
        Assert.That(grub.ExitCode, Is.Zero, grub.Stderr);
        var theirs = Encoding.UTF8.GetString(grub.Stdout).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal).ToList();
        Assert.That(ours, Is.EqualTo(theirs));
    }
}
