using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;
using PvBoot.Testing;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>Discovery on images made by sfdisk, sgdisk, xorriso and lvm, compared with what those tools reported.</summary>
public class PartitionDiscoveryTests
{
    [TestCase("mbr")]
    [TestCase("gpt")]
    [TestCase("hybrid")]
    [TestCase("hybrid-gpt")]
    [TestCase("hybrid-efi")]
    [TestCase("lvm")]
    [TestCase("lvm-wrap")]
    [TestCase("logical-boot")]
    [TestCase("lvm-boot")]
    public void Discover_ToolMadeImage_FindsEveryPartitionAtTheOffsetsTheToolReports(string image)
    {
        using var disk = new FileBlockSource(Fixtures.Image(image));

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(disk);

        AssertMatchesToolLayout(image, disk, found);
    }

    [TestCase("mbr")]
    [TestCase("gpt")]
    [TestCase("hybrid")]
    [TestCase("hybrid-gpt")]
    [TestCase("hybrid-efi")]
    [TestCase("lvm")]
    [TestCase("sample")]
    [TestCase("logical-boot")]
    public void Discover_ToolMadeImage_AgreesWithSfdiskJsonRunNow(string image)
    {
        string path = Fixtures.Image(image);
        ToolResult sfdisk = Tool.Run("sfdisk", ["--json", path]);
        Assert.That(sfdisk.ExitCode, Is.Zero, sfdisk.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(sfdisk.Stdout);
        System.Text.Json.JsonElement table = json.RootElement.GetProperty("partitiontable");
        string scheme = table.GetProperty("label").GetString() == "gpt" ? "gpt" : "msdos";
        byte[] bytes = File.ReadAllBytes(path);
        var expected = new List<(string, long, long)>();
        foreach (System.Text.Json.JsonElement p in table.GetProperty("partitions").EnumerateArray())
        {
            string type = p.GetProperty("type").GetString()!;
            long start = p.GetProperty("start").GetInt64() * 512;
            bool labelled = Enumerable.Range(0, 4).Any(s => bytes.AsSpan((int)start + (s * 512), 8).SequenceEqual("LABELONE"u8));
            if (type is "0" or "5" or "f" or "85" || (type == "8e" && labelled))
            {
                continue; // unused records, and containers: extended partitions and LVM physical volumes (replaced by their volumes)
            }

            string number = p.GetProperty("node").GetString()![path.Length..];
            expected.Add(($"hd0,{scheme}{number}", p.GetProperty("start").GetInt64() * 512, p.GetProperty("size").GetInt64() * 512));
        }

        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(path);

        Assert.That(expected, Is.Not.Empty);
        Assert.That(
            found.Where(c => c.Scheme is PartitionScheme.Msdos or PartitionScheme.Gpt).Select(c => (c.GrubName, c.Offset, c.Length)),
            Is.EquivalentTo(expected));
    }

    [TestCase("mbr")]
    [TestCase("gpt")]
    [TestCase("lvm")]
    [TestCase("lvm-wrap")]
    public void Discover_ToolMadeImage_EachCandidateStartsWithThePayloadWrittenThere(string image)
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image(image));

        PartitionFixtures.AssertPayloads(image, found);
    }

    [Test]
    public void Discover_SgdiskGpt_UsedEntriesInTableOrderNamedByEntryIndex()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("gpt"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0,gpt1", "hd0,gpt2", "hd0,gpt4" }));
        Assert.That(found.Select(c => c.Label), Is.EqualTo(new[] { "bios-boot", "root", "spare" }));
        Assert.That(found[1].GptType, Is.EqualTo(new Guid("0FC63DAF-8483-4772-8E79-3D69D8477DE4")));
        Assert.That(found[2].GptType, Is.EqualTo(new Guid("E6D6D379-F507-44C2-A23C-238F2A3DF928")), "an LVM-typed partition without a label stays a partition");
        Assert.That(found.All(c => c.Scheme == PartitionScheme.Gpt), Is.True);
        Assert.That(found[1].Source.Name, Does.EndWith("gpt.img (hd0,gpt2)"));

        // The target partition holds the ext4 file system mkfs.ext4 made: its magic is at byte 1080.
        byte[] magic = new byte[2];
        found[1].Source.ReadExactly(1080, magic);
        Assert.That(magic, Is.EqualTo(new byte[] { 0x53, 0xEF }));
    }

    [Test]
    public void Discover_XorrisoHybridIso_WholeDiskFirstThenTheMbrPartition()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("hybrid"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0", "hd0,msdos1" }));
        Assert.That(found[0].Scheme, Is.EqualTo(PartitionScheme.WholeDisk));
        byte[] identifier = new byte[5];
        found[0].Source.ReadExactly(32769, identifier);
        Assert.That(identifier, Is.EqualTo("CD001"u8.ToArray()));
    }

    [Test]
    public void Discover_XorrisoHybridIsoLikeDebianInstallers_WholeDiskFirstAndTheTypeZeroRecordSkipped()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("hybrid-efi"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0", "hd0,msdos2" }));
        Assert.That(found[1].MbrType, Is.EqualTo(0xEF));
    }

    [Test]
    public void Discover_XorrisoHybridIsoWithGpt_WholeDiskFirstThenTheGptEntries()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("hybrid-gpt"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0", "hd0,gpt1", "hd0,gpt2", "hd0,gpt3" }));
        Assert.That(found[2].GptType, Is.EqualTo(new Guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")), "the appended EFI system partition");
    }

    [Test]
    public void Discover_LvmOnMbr_ReplacesThePhysicalVolumeByItsLogicalVolumesInMetadataOrder()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("lvm"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0,msdos1", "lvm/pvboot--vg-root", "lvm/pvboot--vg-swap" }));
        Assert.That(found[1].Label, Is.EqualTo("pvboot-vg/root"));
        Assert.That(found[1].Scheme, Is.EqualTo(PartitionScheme.Lvm));
        Assert.That(found[1].Source, Is.InstanceOf<ExtentListBlockSource>());
        Assert.That(found[1].Source.Name, Does.EndWith("lvm.img (lvm/pvboot--vg-root)"));
    }

    [Test]
    public void Discover_LvmLogicalVolumeInTwoSegments_ReadsAsOneVolumeWhoseHashMatchesThePayload()
    {
        PartitionCandidate root = PartitionFixtures.Discover(Fixtures.Image("lvm")).Single(c => c.GrubName == "lvm/pvboot--vg-root");
        ManifestEntry expected = Fixtures.Manifest("lvm").Single(e => e.Path == "lvm/pvboot--vg-root");

        byte[] bytes = new byte[root.Length];
        root.Source.ReadExactly(0, bytes);

        Assert.That(PartitionFixtures.Layout("lvm").Count(l => l.GrubName == root.GrubName), Is.EqualTo(2), "lvs reported two segments");
        Assert.That(root.Length, Is.EqualTo(expected.Size));
        Assert.That(Fixtures.Sha256(bytes), Is.EqualTo(expected.Sha256));
    }

    [Test]
    public void Discover_ReadmeSampleDisk_OneActiveExt4PartitionAtTheOffsetSfdiskReports()
    {
        string image = Fixtures.Image("sample");
        string json = System.Text.Encoding.UTF8.GetString(Tool.Run("sfdisk", ["--json", image]).Stdout);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        System.Text.Json.JsonElement partition = document.RootElement.GetProperty("partitiontable").GetProperty("partitions")[0];

        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(image);

        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(found[0].GrubName, Is.EqualTo("hd0,msdos1"));
        Assert.That(found[0].Active, Is.True);
        Assert.That(found[0].Offset, Is.EqualTo(partition.GetProperty("start").GetInt64() * 512));
        Assert.That(found[0].Length, Is.EqualTo(partition.GetProperty("size").GetInt64() * 512));
        byte[] magic = new byte[2];
        found[0].Source.ReadExactly(1080, magic);
        Assert.That(magic, Is.EqualTo(new byte[] { 0x53, 0xEF }), "ext4 superblock magic");
    }

    [Test]
    public void Discover_WholeDiskPhysicalVolumeWhoseMetadataWrapsAroundItsRing_ReadsTheWrappedText()
    {
        byte[] image = File.ReadAllBytes(Fixtures.Image("lvm-wrap"));
        long mda = ImagePatch.LvmMetadataArea(image, 0);
        ulong areaSize = ImagePatch.U64(image, mda + 32);
        ulong textOffset = ImagePatch.U64(image, mda + 40);
        ulong textSize = ImagePatch.U64(image, mda + 48);
        Assert.That(textOffset + textSize, Is.GreaterThan(areaSize), "lvm left the current metadata wrapped");

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(image, "lvm-wrap.img"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "lvm/wrapvg-root" }));
    }

    [Test]
    public void Lvm_StripedLv_Unsupported()
    {
        string lvType = File.ReadLines(Path.Combine(Fixtures.Directory, "manifests", "partitions.tsv")).Single(l => l.StartsWith("#lvtype\tlvm-striped\tlvm/stripes-data\t", StringComparison.Ordinal));
        Assert.That(lvType, Does.EndWith("\tstriped\t2"), "lvs reported a striped volume over two devices");

        var error = Assert.Throws<CorruptImageException>(() => PartitionFixtures.Discover(Fixtures.Image("lvm-striped")));

        Assert.That(error!.Kind, Is.EqualTo(ImageProblem.Unsupported));
        Assert.That(error.Structure, Is.EqualTo("lvm_metadata"));
        Assert.That(error.Field, Is.EqualTo("stripes/logical_volumes/data/segment1/stripe_count"));
        Assert.That(error.Message, Does.Contain("stripes/data"));
        Assert.That(error.Offset, Is.GreaterThan(2048 * 512).And.LessThan(2 * 1024 * 1024));
    }

    [Test]
    public void Lvm_StripedLv_LeftOutWhenUnsupportedVolumesAreSkipped_LinearOnesAcrossBothPvsKept()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("lvm-striped"), new PartitionDiscoveryOptions { SkipUnsupportedVolumes = true });

        // "plain" is linear on the second of the group's two physical volumes and "span" is linear across both (both
        // PVs are on this disk): they stay readable, in metadata order; the striped "data" is left out.
        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "lvm/stripes-plain", "lvm/stripes-span" }));
        Assert.That(PartitionFixtures.Layout("lvm-striped").Count(l => l.GrubName == "lvm/stripes-span"), Is.EqualTo(2), "lvs reported two segments");
        using var disk = new FileBlockSource(Fixtures.Image("lvm-striped"));
        AssertMatchesToolLayout("lvm-striped", disk, found);
        PartitionFixtures.AssertPayloads("lvm-striped", found);
        ManifestEntry span = Fixtures.Manifest("lvm-striped").Single(e => e.Path == "lvm/stripes-span");
        Assert.That(span.Size, Is.EqualTo(found[1].Length), "the positional payload fills the whole volume, so its hash checks the segment order");
    }

    private static void AssertMatchesToolLayout(string image, IBlockSource disk, IReadOnlyList<PartitionCandidate> found)
    {
        var expected = PartitionFixtures.Layout(image)
            .GroupBy(l => l.GrubName)
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.That(found.Select(c => c.GrubName), Is.EquivalentTo(expected.Keys));
        foreach (PartitionCandidate candidate in found)
        {
            List<ToolLayout> pieces = expected[candidate.GrubName];
            Assert.That(candidate.Offset, Is.EqualTo(pieces[0].Offset), $"{candidate.GrubName} offset");
            Assert.That(candidate.Length, Is.EqualTo(pieces.Sum(p => p.Length)), $"{candidate.GrubName} length");

            // Every piece the tool reported holds the candidate's bytes at the right logical position.
            long logical = 0;
            foreach (ToolLayout piece in pieces)
            {
                AssertSameBytes(disk, piece.Offset, candidate.Source, logical, (int)Math.Min(piece.Length, 4096));
                AssertSameBytes(disk, piece.Offset + piece.Length - 512, candidate.Source, logical + piece.Length - 512, 512);
                logical += piece.Length;
            }
        }
    }


    private static void AssertSameBytes(IBlockSource disk, long diskOffset, IBlockSource candidate, long offset, int count)
    {
        byte[] expected = new byte[count];
        byte[] actual = new byte[count];
        disk.ReadExactly(diskOffset, expected);
        candidate.ReadExactly(offset, actual);
        Assert.That(actual, Is.EqualTo(expected), $"{candidate.Name} at {offset} is disk byte {diskOffset}");
    }
}
