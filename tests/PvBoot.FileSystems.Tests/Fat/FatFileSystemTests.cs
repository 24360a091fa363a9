using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Fat;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Fat;

[TestFixture]
public sealed class FatFileSystemTests
{
    private static IEnumerable<TestCaseData> Volumes() => FatIsoVolume.Fat.Select(v => new TestCaseData(v).SetArgDisplayNames(v.ManifestName));

    [TestCaseSource(nameof(Volumes))]
    public void EveryManifestFile_MatchesManifestHashAndGrubFstest(object volumeObject)
    {
        var volume = (FatIsoVolume)volumeObject;
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(volume.ManifestName);
        Assert.That(manifest, Has.Count.GreaterThan(1));
        using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
        Assert.That(FileSystemProbes.TryOpen(fs.Source)?.FileSystemType, Is.EqualTo("fat"));
        foreach (ManifestEntry file in manifest)
        {
            byte[] bytes = FatIsoVolume.ReadAll(fs, file.Path);
            Assert.That(bytes.LongLength, Is.EqualTo(file.Size), file.Path);
            Assert.That(Fixtures.Sha256(bytes), Is.EqualTo(file.Sha256), file.Path);
            ToolResult grub = Tool.Run("grub-fstest", [volume.ImagePath, "cat", volume.GrubPrefix + file.Path]);
            Assert.That(grub.ExitCode, Is.Zero, grub.Stderr);
            Assert.That(bytes, Is.EqualTo(grub.Stdout), $"grub-fstest disagrees on {file.Path}");
        }

        Assert.That(fs.Warnings, Is.Empty);
    }

    [TestCaseSource(nameof(Volumes))]
    public void EveryManifestFile_MatchesMtype(object volumeObject)
    {
        var volume = (FatIsoVolume)volumeObject;
        (long offset, _) = volume.Range(volume.ImagePath);
        using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
        foreach (ManifestEntry file in Fixtures.Manifest(volume.ManifestName))
        {
            ToolResult mtype = Tool.Run("mtype", ["-i", $"{volume.ImagePath}@@{offset}", "::" + file.Path],
                environment: new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });
            Assert.That(mtype.ExitCode, Is.Zero, mtype.Stderr);
            Assert.That(FatIsoVolume.ReadAll(fs, file.Path), Is.EqualTo(mtype.Stdout), file.Path);
        }
    }

    [Test]
    public void Geometry_LabelAndUuid_AsMkfsFatWroteThem()
    {
        (string Name, int Bits, string Uuid, string Label)[] expected =
        [
            ("fat12", 12, "1a2b-3c4d", "FAT12VOL"),
            ("fat12-4k-sectors", 12, "4b5c-6d7e", "SECTOR4K"),
            ("fat16-mbr", 16, "0fa7-1616", "FAT16BOOT"),
            ("fat32-mbr", 32, "0fa7-3232", "FAT32DATA"),
            ("fat32-esp-gpt", 32, "a5c1-1e55", "ESP"),
        ];
        foreach ((string name, int bits, string uuid, string label) in expected)
        {
            FatIsoVolume volume = FatIsoVolume.Fat.Single(v => v.ManifestName == name);
            using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
            Assert.Multiple(() =>
            {
                Assert.That(fs.FatBits, Is.EqualTo(bits), name);
                Assert.That(fs.Uuid, Is.EqualTo(uuid), name);
                Assert.That(fs.Label, Is.EqualTo(label), name);
                Assert.That(fs.FileSystemType, Is.EqualTo("fat"));
                Assert.That(fs.Uuid, Is.EqualTo(Blkid(volume, "UUID").ToLowerInvariant()), "GRUB prints blkid's serial in lower case");
                Assert.That(fs.Label, Is.EqualTo(Blkid(volume, "LABEL")));
            });
        }
    }

    [Test]
    public void Lookup_IsCaseInsensitive_AndFindsShortAliases()
    {
        FatIsoVolume volume = FatIsoVolume.Fat[0];
        using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
        byte[] expected = FatIsoVolume.ReadAll(fs, "/MixedCase/ReadMe.Txt");
        Assert.That(FatIsoVolume.ReadAll(fs, "/mixedcase/README.TXT"), Is.EqualTo(expected));
        Assert.That(FatIsoVolume.ReadAll(fs, "/MIXEDC~1/README.TXT"), Is.EqualTo(expected));
        Assert.That(FatIsoVolume.ReadAll(fs, "/boot/vmlinu~1.0-1"), Is.EqualTo(FatIsoVolume.ReadAll(fs, "/boot/vmlinuz-6.1.0-13-amd64")));
    }

    [Test]
    public void ListDirectory_ShowsLongNamesWithTheirCase()
    {
        FatIsoVolume volume = FatIsoVolume.Fat[0];
        using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
        FileSystemEntry dir = fs.Lookup("/MixedCase"u8)!;
        string[] names = fs.ListDirectory(dir).Select(l => l.DisplayName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(names, Is.EqualTo(new[] { "ReadMe.Txt", "empty", "exactly-4096-bytes.bin", "x" }));
        FileSystemEntry rootEntry = fs.Lookup("/"u8)!;
        Assert.That(fs.ListDirectory(rootEntry).Select(l => (l.DisplayName, l.Type)),
            Does.Contain(("Fragmented File.bin", FileSystemEntryType.Regular)).And.Contain(("Deep", FileSystemEntryType.Directory)));
    }

    [Test]
    public void DotDot_NeverClimbsAboveTheRoot()
    {
        FatIsoVolume volume = FatIsoVolume.Fat.Single(v => v.ManifestName == "fat32-esp-gpt");
        using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
        Assert.That(FatIsoVolume.ReadAll(fs, "/loader/../../../../vmlinuz-linux"), Is.EqualTo(FatIsoVolume.ReadAll(fs, "/vmlinuz-linux")));
        Assert.That(fs.Lookup("/../../etc/shadow"u8), Is.Null);
    }

    [Test]
    public void PartialReads_AcrossFragments_MatchTheWholeFile()
    {
        FatIsoVolume volume = FatIsoVolume.Fat[0];
        using var owner = Open(volume, volume.ImagePath, out FatFileSystem fs);
        byte[] whole = FatIsoVolume.ReadAll(fs, "/Fragmented File.bin");
        FileSystemEntry entry = fs.Lookup("/Fragmented File.bin"u8)!;
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            int offset = random.Next(whole.Length);
            var buffer = new byte[random.Next(1, 20000)];
            int read = fs.Read(entry, offset, buffer);
            Assert.That(read, Is.EqualTo(Math.Min(buffer.Length, whole.Length - offset)));
            Assert.That(buffer.AsSpan(0, read).SequenceEqual(whole.AsSpan(offset, read)), Is.True, $"offset {offset}");
        }
    }

    [Test]
    public void FatProbe_ClaimsTheEfiPartitionButNotHybridIsos()
    {
        foreach (FatIsoVolume iso in FatIsoVolume.Iso)
        {
            using var file = new PvBoot.Core.BlockSources.FileBlockSource(iso.ImagePath);
            Assert.That(FatFileSystem.Matches(file), Is.False, iso.ManifestName);
        }

        FatIsoVolume efi = FatIsoVolume.Fat.Single(v => v.ManifestName == "iso-netinst-p2");
        using var owner = Open(efi, efi.ImagePath, out FatFileSystem fs);
        Assert.That(FileSystemProbes.TryOpen(fs.Source)?.FileSystemType, Is.EqualTo("fat"));
        Assert.That(fs.Label, Is.EqualTo("EFIBOOT"));
    }

    private static string Blkid(FatIsoVolume volume, string tag)
    {
        (long offset, _) = volume.Range(volume.ImagePath);
        ToolResult result = Tool.Run("blkid", ["-p", "-O", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "value", "-s", tag, volume.ImagePath]);
        return System.Text.Encoding.UTF8.GetString(result.Stdout).Trim();
    }

    internal static IDisposable Open(FatIsoVolume volume, string imagePath, out FatFileSystem fs, FileSystemBudgets? budgets = null)
    {
        var source = volume.OpenSource(imagePath, out IDisposable owner);
        try
        {
            fs = FatFileSystem.Open(source, budgets ?? FileSystemBudgets.Default);
        }
        catch
        {
            owner.Dispose();
            throw;
        }

        return owner;
    }
}
