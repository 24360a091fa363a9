using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;
using PvBoot.Testing;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>Any bytes given as a disk yield candidates or a <see cref="CorruptImageException"/>, never another exception.</summary>
public class PartitionDiscoveryPropertyTests
{
    private const int Head = 64 * 1024;

    // The first 64 KiB of each tool-made fixture (for lvm.img, of its physical volume, which then reads as a whole-disk PV).
    private static readonly Lazy<byte[][]> Seeds = new(() =>
    [
        File.ReadAllBytes(Fixtures.Image("mbr"))[..Head],
        File.ReadAllBytes(Fixtures.Image("gpt"))[..Head],
        File.ReadAllBytes(Fixtures.Image("hybrid"))[..Head],
        File.ReadAllBytes(Fixtures.Image("sample"))[..Head],
        File.ReadAllBytes(Fixtures.Image("lvm"))[(6144 * 512)..((6144 * 512) + Head)],
    ]);

    // The physical volume of lvm.img, read as a whole disk, and the offset of its metadata area.
    private static readonly Lazy<(byte[] Pv, long Mda)> LvmVolume = new(() =>
    {
        byte[] pv = File.ReadAllBytes(Fixtures.Image("lvm"))[(6144 * 512)..];
        return (pv, ImagePatch.LvmMetadataArea(pv, 0));
    });

    private static readonly byte[] InterestingTextBytes = "{}[]=,\"#\\-0123456789 \n\0abz_."u8.ToArray();

    // Where the structures are: the MBR, the GPT header and entry array, the LVM label and metadata area, everything.
    private static readonly int[] Regions = [512, 1024, 17 * 1024, 8 * 1024, Head];

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Discover_AnyBytes_YieldsCandidatesOrCorruptImageException(byte[] bytes)
        => SurvivesAsDisk(bytes).ToProperty();

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Discover_RandomPartitionRecordsWithBootSignature_YieldsCandidatesOrCorruptImageException(byte[] records, byte[] typesAndFlags, NonNegativeInt size)
    {
        // Random bytes over the four records of a signed MBR (and of an EBR at sector 1), with plausible flags and
        // types (0x05/0x0F/0x85 extended, 0xEE GPT, 0x8E LVM) mixed in, on disks of 512 bytes to 64 KiB.
        byte[] disk = new byte[512 + (size.Get % (Head - 511))];
        byte[] typeChoices = [0x00, 0x05, 0x0F, 0x85, 0xEE, 0x8E, 0x83, 0x07];
        foreach (int sector in new[] { 0, 1 })
        {
            if (disk.Length < (sector + 1) * 512)
            {
                break;
            }

            records.AsSpan(0, Math.Min(records.Length, 64)).CopyTo(disk.AsSpan((sector * 512) + 446));
            for (int i = 0; i < 4 && i < typesAndFlags.Length; i++)
            {
                disk[(sector * 512) + 446 + (i * 16)] = (byte)(typesAndFlags[i] & 0x80);
                disk[(sector * 512) + 446 + (i * 16) + 4] = typeChoices[typesAndFlags[i] % typeChoices.Length];
            }

            disk[(sector * 512) + 510] = 0x55;
            disk[(sector * 512) + 511] = 0xAA;
        }

        return SurvivesAsDisk(disk).ToProperty();
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Discover_MutatedFixtureHead_YieldsCandidatesOrCorruptImageException(NonNegativeInt seed, int[] positions, byte[] values, NonNegativeInt region, NonNegativeInt cut)
    {
        byte[][] seeds = Seeds.Value;
        byte[] disk = (byte[])seeds[seed.Get % seeds.Length].Clone();
        int limit = Regions[region.Get % Regions.Length];
        for (int i = 0; i < Math.Min(positions.Length, values.Length); i++)
        {
            disk[(int)((uint)positions[i] % (uint)limit)] = values[i];
        }

        // One case in four is also truncated somewhere in the head.
        if (cut.Get % 4 == 0)
        {
            disk = disk[..(cut.Get % Head)];
        }

        return SurvivesAsDisk(disk).ToProperty();
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Discover_LvmMetadataTextMutatedWithRecomputedChecksums_YieldsCandidatesOrCorruptImageException(int[] positions, byte[] values)
    {
        // Checksums are recomputed after the edit, so the parser and the volume checks see the mutated text.
        (byte[] pv, long mda) = LvmVolume.Value;
        byte[] head = pv[..Head];
        long textAt = mda + (long)ImagePatch.U64(head, mda + 40);
        int size = (int)ImagePatch.U64(head, mda + 48);
        for (int i = 0; i < Math.Min(positions.Length, values.Length); i++)
        {
            byte value = values[i];
            head[textAt + (int)((uint)positions[i] % (uint)size)] = value < 128 ? InterestingTextBytes[value % InterestingTextBytes.Length] : value;
        }

        ImagePatch.PutU32(head, mda + 56, ImagePatch.LvmCrc(head.AsSpan((int)textAt, size)));
        ImagePatch.FixMdaChecksum(head, mda);

        return SurvivesAsDisk(new OverlayBlockSource(head, pv, "pv.img")).ToProperty();
    }

    [TestCaseSource(nameof(CorpusFiles))]
    public void Discover_FuzzCorpusSeed_YieldsCandidatesOrCorruptImageException(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, file));

        Assert.That(bytes.Length, Is.LessThanOrEqualTo(Head));
        Assert.That(SurvivesAsDisk(bytes), Is.True);
        try
        {
            TestContext.Out.WriteLine(string.Join(", ", PartitionDiscovery.Discover(new MemoryBlockSource(bytes, file))));
        }
        catch (CorruptImageException e)
        {
            TestContext.Out.WriteLine(e.Message);
        }
    }

    [Test]
    public void FuzzCorpus_HoldsPartitionSeeds()
    {
        Assert.That(CorpusFiles().Count(f => f.StartsWith("fuzz-corpus/gpt/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(5));
        Assert.That(CorpusFiles().Count(f => f.StartsWith("fuzz-corpus/mbr/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(5));
    }

    private static IEnumerable<string> CorpusFiles()
        => new[] { "gpt", "mbr", "lvm" }
            .Select(d => Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", d))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Select(f => Path.GetRelativePath(Fixtures.RepositoryRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    /// <summary>True when discovery returns at least one candidate or throws <see cref="CorruptImageException"/> within a second; any other exception escapes and fails the property.</summary>
    private static bool SurvivesAsDisk(byte[] bytes) => SurvivesAsDisk(new MemoryBlockSource(bytes, "fuzz.img"));

    private static bool SurvivesAsDisk(IBlockSource disk)
    {
        var clock = Stopwatch.StartNew();
        bool survived;
        try
        {
            survived = PartitionDiscovery.Discover(disk).Count > 0;
        }
        catch (CorruptImageException)
        {
            survived = true;
        }

        return survived && clock.Elapsed < TimeSpan.FromSeconds(1);
    }
}
