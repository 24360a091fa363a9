using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

public sealed class BtrfsFileSystemTests
{
    private static IEnumerable<TestCaseData> ImageCases() => BtrfsTestImage.Images.Select(i => new TestCaseData(i).SetName($"EveryFile_MatchesManifest({i})"));

    [TestCaseSource(nameof(ImageCases))]
    public void EveryFile_MatchesManifest(string image)
    {
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(image);
        Assert.That(manifest, Is.Not.Empty);
        using FileBlockSource source = BtrfsTestImage.Source(image);
        IFileSystemReader fs = FileSystemProbes.TryOpen(source) ?? throw new AssertionException("not recognised");
        Assert.That(fs.FileSystemType, Is.EqualTo("btrfs"));
        foreach (ManifestEntry file in manifest)
        {
            FileSystemEntry entry = BtrfsTestImage.LookupOrFail(fs, file.Path);
            Assert.That(entry.Type, Is.EqualTo(FileSystemEntryType.Regular), file.Path);
            Assert.That(entry.Size, Is.EqualTo(file.Size), file.Path);
            Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, entry)), Is.EqualTo(file.Sha256), file.Path);
        }
    }
}
