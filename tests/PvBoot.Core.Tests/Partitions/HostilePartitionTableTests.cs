using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>
/// Each test patches one field of a tool-made image (hostile-input classes P1–P5 and the LVM metadata caps) and
/// expects a <see cref="CorruptImageException"/> naming the structure, field and absolute offset, within a time bound.
/// </summary>
public class HostilePartitionTableTests
{
    private const long ExtendedStart = 10240 * 512L; // the first EBR of mbr.img (sfdisk: extended partition at sector 10240)
    private const int LinkRecord = 446 + 16;         // an EBR's second record points at the next EBR
    private const int StartingLba = 8;
    private const int SizeInLba = 12;

    [Test]
    public void Ebr_ChainLoopingToItself_IsRejectedAtTheLinkField()
    {
        byte[] image = ImagePatch.Load("mbr");
        ImagePatch.PutU32(image, ExtendedStart + LinkRecord + StartingLba, 0); // relative to the extended start: itself

        ImagePatch.AssertRejected(image, "mbr_partition_record", "starting_lba", ExtendedStart + LinkRecord + StartingLba);
    }

    [Test]
    public void Ebr_TwoCycle_IsRejectedAtTheSecondLink()
    {
        byte[] image = ImagePatch.Load("mbr");
        long second = ExtendedStart + ((long)ImagePatch.U32(image, ExtendedStart + LinkRecord + StartingLba) * 512);
        ImagePatch.PutU32(image, second + LinkRecord + StartingLba, 0); // back to the first EBR

        ImagePatch.AssertRejected(image, "mbr_partition_record", "starting_lba", second + LinkRecord + StartingLba);
    }

    [Test]
    public void Ebr_ChainLongerThanTheCap_IsALimit()
    {
        byte[] image = ImagePatch.Load("mbr");

        ImagePatch.AssertRejected(
            image,
            "mbr_partition_record",
            "starting_lba",
            ExtendedStart + LinkRecord + StartingLba,
            ImageProblem.LimitExceeded,
            new PartitionDiscoveryOptions { MaxLogicalPartitions = 1 });
    }

    [Test]
    public void Mbr_StartPlusSizeOverflows_IsRejectedAtTheStart()
    {
        byte[] image = ImagePatch.Load("mbr");
        ImagePatch.PutU32(image, 446 + StartingLba, 0xFFFFFFF0);
        ImagePatch.PutU32(image, 446 + SizeInLba, 0x100);

        ImagePatch.AssertRejected(image, "mbr_partition_record", "starting_lba", 446 + StartingLba);
    }

    [Test]
    public void Mbr_PartitionPastEnd_IsRejectedAtTheSize()
    {
        byte[] image = ImagePatch.Load("mbr");
        ImagePatch.PutU32(image, 446 + SizeInLba, 0x00100000); // 512 MiB on a 16 MiB disk

        ImagePatch.AssertRejected(image, "mbr_partition_record", "size_in_lba", 446 + SizeInLba);
    }

    [Test]
    public void Mbr_MorePartitionsThanTheCap_IsALimit()
    {
        byte[] image = ImagePatch.Load("mbr");

        var error = ImagePatch.AssertRejected(image, "partition_table", "count", 18432 * 512L, ImageProblem.LimitExceeded, new PartitionDiscoveryOptions { MaxPartitions = 3 });

        Assert.That(error.Message, Does.Contain("hd0,msdos6"));
    }

    [Test]
    public void Gpt_EntryCount0xFFFFFFFF_IsALimitBeforeAnythingIsRead()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU32(image, 512 + 80, 0xFFFFFFFF);
        ImagePatch.FixGptHeaderCrc(image);

        ImagePatch.AssertRejected(image, "gpt_header", "num_partition_entries", 512 + 80, ImageProblem.LimitExceeded);
    }

    [Test]
    public void Gpt_EntryCount0xFFFFFFFF_WithStaleCrc_FallsBackToTheBackupTable()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU32(image, 512 + 80, 0xFFFFFFFF);

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(image, "stale.img"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0,gpt1", "hd0,gpt2", "hd0,gpt4" }));
    }

    [Test]
    public void Gpt_EntrySizeZero_IsRejectedByTheValidator()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU32(image, 512 + 84, 0);
        ImagePatch.FixGptHeaderCrc(image);

        ImagePatch.AssertRejected(image, "gpt_header", "sizeof_partition_entry", 512 + 84);
    }

    [Test]
    public void Gpt_EntrySizeNotPowerOfTwoTimes128_IsRejected()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU32(image, 512 + 84, 384);
        ImagePatch.FixGptHeaderCrc(image);

        ImagePatch.AssertRejected(image, "gpt_header", "sizeof_partition_entry", 512 + 84);
    }

    [Test]
    public void Gpt_EntrySizeWhoseProductWrapsIn32Bits_IsALimit()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU32(image, 512 + 80, 16);
        ImagePatch.PutU32(image, 512 + 84, 0x10000000); // 16 × 2^28 = 2^32: zero in 32-bit arithmetic
        ImagePatch.FixGptHeaderCrc(image);

        ImagePatch.AssertRejected(image, "gpt_header", "num_partition_entries", 512 + 80, ImageProblem.LimitExceeded);
    }

    [Test]
    public void Gpt_FirstLbaTwoTo63_IsRejectedAtTheEntry()
    {
        byte[] image = ImagePatch.Load("gpt");
        long entry = ImagePatch.GptEntry(image, 1);
        ImagePatch.PutU64(image, entry + 32, 1UL << 63);
        ImagePatch.FixGptArrayCrc(image);

        ImagePatch.AssertRejected(image, "gpt_entry", "starting_lba", entry + 32);
    }

    [Test]
    public void Gpt_LastLbaBeforeFirst()
    {
        byte[] image = ImagePatch.Load("gpt");
        long entry = ImagePatch.GptEntry(image, 1);
        ImagePatch.PutU64(image, entry + 40, ImagePatch.U64(image, entry + 32) - 1);
        ImagePatch.FixGptArrayCrc(image);

        ImagePatch.AssertRejected(image, "gpt_entry", "ending_lba", entry + 40);
    }

    [Test]
    public void Gpt_LastLbaPastTheEnd_IsRejectedAtTheEntry()
    {
        byte[] image = ImagePatch.Load("gpt");
        long entry = ImagePatch.GptEntry(image, 3);
        ImagePatch.PutU64(image, entry + 40, ulong.MaxValue);
        ImagePatch.FixGptArrayCrc(image);

        ImagePatch.AssertRejected(image, "gpt_entry", "ending_lba", entry + 40);
    }

    [Test]
    public void Gpt_CorruptPrimary_UsesBackup()
    {
        byte[] original = ImagePatch.Load("gpt");
        byte[] image = (byte[])original.Clone();
        image[512 + 60] ^= 0xFF; // a byte of disk_guid; the header CRC now mismatches

        IReadOnlyList<PartitionCandidate> expected = PartitionDiscovery.Discover(new MemoryBlockSource(original, "gpt.img"));
        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(image, "gpt.img"));

        Assert.That(found.Select(c => (c.GrubName, c.Offset, c.Length, c.Label)), Is.EqualTo(expected.Select(c => (c.GrubName, c.Offset, c.Length, c.Label))));
    }

    [Test]
    public void Gpt_CorruptEntryArray_UsesBackup()
    {
        byte[] original = ImagePatch.Load("gpt");
        byte[] image = (byte[])original.Clone();
        image[ImagePatch.GptEntry(image, 1) + 60] ^= 0xFF; // a byte of partition 2's name; the array CRC now mismatches

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(image, "gpt.img"));

        Assert.That(found.Single(c => c.Number == 2).Label, Is.EqualTo("root"));
    }

    [Test]
    public void Gpt_CorruptPrimaryAndBackup_ReportsThePrimaryChecksum()
    {
        byte[] image = ImagePatch.Load("gpt");
        image[512 + 60] ^= 0xFF;
        image[image.Length - 512 + 60] ^= 0xFF;

        ImagePatch.AssertRejected(image, "gpt_header", "header_crc32", 512 + 16);
    }

    [Test]
    public void Gpt_HeaderSizeHuge_IsDamageSoTheBackupIsUsed()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU32(image, 512 + 12, 0xFFFFFFFF); // the CRC cannot even be computed

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(image, "gpt.img"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0,gpt1", "hd0,gpt2", "hd0,gpt4" }));
    }

    [Test]
    public void Gpt_MyLbaWrong_IsRejected()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU64(image, 512 + 24, 7);
        ImagePatch.FixGptHeaderCrc(image);

        ImagePatch.AssertRejected(image, "gpt_header", "my_lba", 512 + 24);
    }

    [Test]
    public void Gpt_LastUsableLbaPastTheEnd_IsRejected()
    {
        byte[] image = ImagePatch.Load("gpt");
        ImagePatch.PutU64(image, 512 + 48, 1UL << 40);
        ImagePatch.FixGptHeaderCrc(image);

        ImagePatch.AssertRejected(image, "gpt_header", "last_usable_lba", 512 + 48);
    }

    [Test]
    public void Truncated_MidGptArray_IsRejectedAtTheArrayLba()
    {
        byte[] image = ImagePatch.Load("gpt")[..(9 * 1024)];

        ImagePatch.AssertRejected(image, "gpt_header", "partition_entry_lba", 512 + 72);
    }

    [Test]
    public void Truncated_MidEbr_IsRejectedAtTheEbr()
    {
        byte[] full = ImagePatch.Load("mbr");
        long second = ExtendedStart + ((long)ImagePatch.U32(full, ExtendedStart + LinkRecord + StartingLba) * 512);
        long third = ExtendedStart + ((long)ImagePatch.U32(full, second + LinkRecord + StartingLba) * 512);
        byte[] image = full[..(int)(third + 300)];

        ImagePatch.AssertRejected(image, "ebr", "offset", third);
    }

    [Test]
    public void Truncated_MidPartition_IsRejectedAtItsSize()
    {
        byte[] image = ImagePatch.Load("mbr")[..(4 * 1024 * 1024)]; // partition 2 spans 3..5 MiB

        ImagePatch.AssertRejected(image, "mbr_partition_record", "size_in_lba", 446 + 16 + SizeInLba);
    }

    [Test]
    public void Ebr_MissingSignature_IsRejected()
    {
        byte[] image = ImagePatch.Load("mbr");
        image[ExtendedStart + 510] = 0;

        ImagePatch.AssertRejected(image, "ebr", "signature", ExtendedStart + 510);
    }
}
