using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Iso9660;
using PvBoot.FileSystems.Tests.Fat;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Iso9660;

[TestFixture]
public sealed class Iso9660FileSystemTests
{
    private static IEnumerable<TestCaseData> Volumes() => FatIsoVolume.Iso.Select(v => new TestCaseData(v).SetArgDisplayNames(v.ManifestName));

    private static IEnumerable<TestCaseData> RockRidgeVolumes() => Volumes().Where(c => ((FatIsoVolume)c.Arguments[0]!).ManifestName is not ("iso-joliet" or "iso-level2"));

    [TestCaseSource(nameof(Volumes))]
    public void EveryManifestFile_MatchesManifestHashAndGrubFstest(object volumeObject)
    {
        var volume = (FatIsoVolume)volumeObject;
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(volume.ManifestName);
        Assert.That(manifest, Has.Count.GreaterThan(1));
        using var owner = Open(volume.ImagePath, out Iso9660FileSystem fs);
        Assert.That(FileSystemProbes.TryOpen(fs.Source)?.FileSystemType, Is.EqualTo("iso9660"));
        foreach (ManifestEntry file in manifest)
        {
            byte[] bytes = FatIsoVolume.ReadAll(fs, file.Path);
            Assert.That(bytes.LongLength, Is.EqualTo(file.Size), file.Path);
            Assert.That(Fixtures.Sha256(bytes), Is.EqualTo(file.Sha256), file.Path);
            ToolResult grub = Tool.Run("grub-fstest", [volume.ImagePath, "cat", file.Path]);
            Assert.That(grub.ExitCode, Is.Zero, grub.Stderr);
            Assert.That(bytes, Is.EqualTo(grub.Stdout), $"grub-fstest disagrees on {file.Path}");
        }

        Assert.That(fs.Warnings, Is.Empty);
    }

    [TestCaseSource(nameof(RockRidgeVolumes))]
    public void WholeTree_MatchesOsirroxExtract(object volumeObject)
    {
        var volume = (FatIsoVolume)volumeObject;
        string target = Path.Combine(Fixtures.WorkDirectory, $"osirrox-{volume.ManifestName}-{Guid.NewGuid():N}");
        ToolResult extract = Tool.Run("osirrox", ["-indev", volume.ImagePath, "-extract", "/", target]);
        Assert.That(extract.ExitCode, Is.Zero, extract.Stderr);
        using var owner = Open(volume.ImagePath, out Iso9660FileSystem fs);
        int compared = 0;
        int links = 0;
        foreach (string file in Directory.EnumerateFileSystemEntries(target, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var info = new FileInfo(file);
            string path = "/" + Path.GetRelativePath(target, file).Replace('\\', '/');
            FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path), followFinalSymlink: false);
            Assert.That(entry, Is.Not.Null, path);
            if (info.LinkTarget is { } linkTarget)
            {
                Assert.That(entry!.Type, Is.EqualTo(FileSystemEntryType.Symlink), path);
                Assert.That(System.Text.Encoding.UTF8.GetString(fs.ReadSymlinkTarget(entry)), Is.EqualTo(linkTarget), path);
                links++;
                continue;
            }

            if ((info.Attributes & FileAttributes.Directory) != 0)
            {
                Assert.That(entry!.Type, Is.EqualTo(FileSystemEntryType.Directory), path);
                continue;
            }

            if (entry!.Type != FileSystemEntryType.Regular)
            {
                continue;
            }

            Assert.That(FatIsoVolume.ReadAll(fs, path), Is.EqualTo(File.ReadAllBytes(file)), path);
            compared++;
        }

        Assert.That(compared, Is.GreaterThanOrEqualTo(Fixtures.Manifest(volume.ManifestName).Count(e => !e.Path.StartsWith("/debian/", StringComparison.Ordinal))));
        Assert.That(links, Is.GreaterThan(0), "the fixture's symlinks were compared");
    }

    [TestCaseSource(nameof(Volumes))]
    public void LabelAndUuid_MatchBlkid(object volumeObject)
    {
        var volume = (FatIsoVolume)volumeObject;
        using var owner = Open(volume.ImagePath, out Iso9660FileSystem fs);
        string Blkid(string tag) => System.Text.Encoding.UTF8.GetString(
            Tool.Run("blkid", ["-p", "-o", "value", "-s", tag, volume.ImagePath]).Stdout).Trim();
        Assert.Multiple(() =>
        {
            Assert.That(fs.Uuid, Is.EqualTo(Blkid("UUID")).And.EqualTo("2023-11-14-22-13-20-00"));
            Assert.That(fs.Label, Is.EqualTo(Blkid("LABEL")).And.EqualTo("PVBOOT_ISO"));
            Assert.That(fs.FileSystemType, Is.EqualTo("iso9660"));
            Assert.That(fs.HasRockRidge, Is.EqualTo(volume.ManifestName is not ("iso-joliet" or "iso-level2")));
            Assert.That(fs.IsJoliet, Is.EqualTo(volume.ManifestName == "iso-joliet"));
        });
    }

    [Test]
    public void RockRidgeSymlinks_ResolveAndReadTheirTargets()
    {
        using var owner = Open(FatIsoVolume.Iso[0].ImagePath, out Iso9660FileSystem fs);
        FileSystemEntry link = fs.Lookup("/boot/vmlinuz"u8, followFinalSymlink: false)!;
        Assert.That(link.Type, Is.EqualTo(FileSystemEntryType.Symlink));
        Assert.That(fs.ReadSymlinkTarget(link), Is.EqualTo("vmlinuz-6.1.0-13-amd64"u8.ToArray()));
        Assert.That(FatIsoVolume.ReadAll(fs, "/boot/vmlinuz"), Is.EqualTo(FatIsoVolume.ReadAll(fs, "/boot/vmlinuz-6.1.0-13-amd64")));
        FileSystemEntry relative = fs.Lookup("/boot/readme-link"u8, followFinalSymlink: false)!;
        Assert.That(fs.ReadSymlinkTarget(relative), Is.EqualTo("../MixedCase/ReadMe.Txt"u8.ToArray()));
        Assert.That(fs.Lookup("/boot/readme-link"u8)!.DisplayPath, Is.EqualTo("/MixedCase/ReadMe.Txt"));
        ToolResult grub = Tool.Run("grub-fstest", [FatIsoVolume.Iso[0].ImagePath, "cat", "/boot/readme-link"]);
        Assert.That(FatIsoVolume.ReadAll(fs, "/boot/readme-link"), Is.EqualTo(grub.Stdout));
    }

    [Test]
    public void G3_NonRegularFiles_KeepTheirType_AndAreRefusedNamingTheirMode()
    {
        using var owner = Open(FatIsoVolume.Iso[0].ImagePath, out Iso9660FileSystem fs);
        var iso = new IsoLocator(FatIsoVolume.Iso[0].ImagePath);
        FileSystemEntry fifo = fs.Lookup("/boot/fifo"u8)!;
        Assert.That(fifo.Type, Is.EqualTo(FileSystemEntryType.Fifo));
        var error = Assert.Throws<PvBoot.Core.CorruptImageException>(() => fs.CopyTo(fifo, Stream.Null))!;
        Patch.AssertNames(error, RrPx.StructureName, "st_mode", iso.Entry(iso.Find("/boot/fifo"), "PX") + RrPx.Layout.Mode);
        error = Assert.Throws<PvBoot.Core.CorruptImageException>(() => fs.CopyTo(fs.Lookup("/boot"u8)!, Stream.Null))!;
        Patch.AssertNames(error, RrPx.StructureName, "st_mode", iso.Entry(iso.Find("/boot"), "PX") + RrPx.Layout.Mode);
    }

    [Test]
    public void DirectoryOfSeveralSectors_ListsEveryName()
    {
        using var owner = Open(FatIsoVolume.Iso[0].ImagePath, out Iso9660FileSystem fs);
        FileSystemEntry many = fs.Lookup("/many"u8)!;
        Assert.That(many.Size, Is.GreaterThan(Iso9660FileSystem.BlockSize));
        var names = fs.ListDirectory(many).Select(l => l.DisplayName).ToHashSet();
        Assert.That(names, Is.EquivalentTo(Enumerable.Range(1, 60).Select(i => $"file-with-a-long-name-number-{i}.dat")));
    }

    [Test]
    public void JolietNames_AreDecodedFromUcs2()
    {
        using var owner = Open(FatIsoVolume.Iso[1].ImagePath, out Iso9660FileSystem fs);
        FileSystemEntry root = fs.Lookup("/"u8)!;
        Assert.That(fs.ListDirectory(root).Select(l => l.DisplayName), Is.EquivalentTo(new[] { "boot", "Long Directory Name With Spaces" }));
    }

    [Test]
    public void PlainIsoNames_LoseTheirVersion_AndMatchInAnyCase()
    {
        FatIsoVolume volume = FatIsoVolume.Iso.Single(v => v.ManifestName == "iso-level2");
        using var owner = Open(volume.ImagePath, out Iso9660FileSystem fs);
        Assert.That(fs.ListDirectory(fs.Lookup("/boot"u8)!).Select(l => l.DisplayName), Is.EquivalentTo(new[] { "grub", "vmlinuz", "initrd.img" }));
        Assert.That(FatIsoVolume.ReadAll(fs, "/BOOT/VMLINUZ"), Is.EqualTo(FatIsoVolume.ReadAll(fs, "/boot/vmlinuz")));
        ToolResult grub = Tool.Run("grub-fstest", [volume.ImagePath, "cat", "/BOOT/VMLINUZ"]);
        Assert.That(grub.Stdout, Is.EqualTo(FatIsoVolume.ReadAll(fs, "/boot/vmlinuz")), "GRUB also matches plain names in any case");
    }

    [Test]
    public void HybridImages_ProbeAsIso9660AtOffsetZero()
    {
        foreach (FatIsoVolume volume in FatIsoVolume.Iso.Where(v => v.ImageName is "iso-hybrid" or "iso-netinst"))
        {
            using var file = new PvBoot.Core.BlockSources.FileBlockSource(volume.ImagePath);
            byte[] mbr = new byte[512];
            file.ReadExactly(0, mbr);
            Assert.That(mbr[510..], Is.EqualTo(new byte[] { 0x55, 0xAA }), "the image also carries an MBR");
            Assert.That(FileSystemProbes.TryOpen(file)?.FileSystemType, Is.EqualTo("iso9660"));
        }
    }

    [Test]
    public void DotDotAndAbsoluteSymlinks_StayInsideTheImage()
    {
        using var owner = Open(FatIsoVolume.Iso[0].ImagePath, out Iso9660FileSystem fs);
        Assert.That(fs.Lookup("/boot/../../../../etc/shadow"u8), Is.Null);
        Assert.That(fs.Lookup("/boot/grub/../../../boot/vmlinuz"u8)!.DisplayPath, Is.EqualTo("/boot/vmlinuz-6.1.0-13-amd64"));
    }

    internal static IDisposable Open(string imagePath, out Iso9660FileSystem fs, FileSystemBudgets? budgets = null)
    {
        var file = new PvBoot.Core.BlockSources.FileBlockSource(imagePath);
        try
        {
            fs = Iso9660FileSystem.Open(file, budgets ?? FileSystemBudgets.Default);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }
}
