using System.Text;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>Patched LVM2 metadata on the lvm fixture: caps on the text size and nesting, checksums, extents, missing PVs.</summary>
public class HostileLvmTests
{
    private const long PhysicalVolume = 6144 * 512L; // msdos2 of lvm.img (sfdisk: sector 6144)

    [Test]
    public void Lvm_Metadata100MiBOfBraces_IsALimitWithoutReadingOrAllocatingIt()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        long textAt = mda + (long)ImagePatch.U64(image, mda + 40);
        long areaEnd = mda + (long)ImagePatch.U64(image, mda + 32);
        image.AsSpan((int)textAt, (int)(areaEnd - textAt)).Fill((byte)'{');
        ImagePatch.PutU64(image, mda + 48, 100UL * 1024 * 1024); // raw_locn.size
        ImagePatch.FixMdaChecksum(image, mda);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ImagePatch.AssertRejected(image, "raw_locn", "size", mda + 48, ImageProblem.LimitExceeded);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.LessThan(4 * 1024 * 1024), "the claimed 100 MiB is never allocated");
    }

    [Test]
    public void Lvm_MetadataOfBracesOnly_IsCorruptAtItsFirstByte()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        long textAt = mda + (long)ImagePatch.U64(image, mda + 40);
        ImagePatch.ReplaceLvmText(image, mda, Enumerable.Repeat((byte)'{', 500_000).ToArray());

        ImagePatch.AssertRejected(image, "lvm_metadata", "text", textAt);
    }

    [Test]
    public void Lvm_MetadataNestedDeeperThanTheCap_IsALimit()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        long textAt = mda + (long)ImagePatch.U64(image, mda + 40);
        ImagePatch.ReplaceLvmText(image, mda, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a{", 100_000))));

        // The 33rd '{' is at index 2 × 32 + 1.
        ImagePatch.AssertRejected(image, "lvm_metadata", "text", textAt + 65, ImageProblem.LimitExceeded);
    }

    [Test]
    public void Lvm_MetadataListsNestedDeeperThanTheCap_IsALimit()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        long textAt = mda + (long)ImagePatch.U64(image, mda + 40);
        ImagePatch.ReplaceLvmText(image, mda, Encoding.ASCII.GetBytes("x = " + new string('[', 100_000)));

        ImagePatch.AssertRejected(image, "lvm_metadata", "text", textAt + 4 + 32, ImageProblem.LimitExceeded);
    }

    [Test]
    public void Lvm_StaleTextChecksum_IsRejected()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        long textAt = mda + (long)ImagePatch.U64(image, mda + 40);
        image[textAt] ^= 0x20; // "pvboot-vg" → "Pvboot-vg", checksum left stale

        ImagePatch.AssertRejected(image, "raw_locn", "checksum", mda + 56);
    }

    [Test]
    public void Lvm_StaleMetadataAreaHeaderChecksum_IsRejected()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        image[mda + 48] ^= 1;

        ImagePatch.AssertRejected(image, "mda_header", "checksum_xl", mda);
    }

    [Test]
    public void Lvm_StaleLabelChecksum_IsRejected()
    {
        byte[] image = ImagePatch.Load("lvm");
        long label = PhysicalVolume + 512; // pvcreate writes the label in sector 1
        image[label + 32] ^= 1;             // a byte of pv_uuid

        ImagePatch.AssertRejected(image, "label_header", "crc_xl", label + 16);
    }

    [Test]
    public void Lvm_LabelInTheWrongSector_IsRejected()
    {
        byte[] image = ImagePatch.Load("lvm");
        long label = PhysicalVolume + 512;
        ImagePatch.PutU64(image, label + 8, 3);
        ImagePatch.PutU32(image, label + 16, ImagePatch.LvmCrc(image.AsSpan((int)label + 20, 492)));

        ImagePatch.AssertRejected(image, "label_header", "sector_xl", label + 8);
    }

    [Test]
    public void Lvm_TextOffsetInsideTheAreaHeader_IsRejected()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        ImagePatch.PutU64(image, mda + 40, 100);
        ImagePatch.FixMdaChecksum(image, mda);

        ImagePatch.AssertRejected(image, "raw_locn", "offset", mda + 40);
    }

    [Test]
    public void Lvm_SegmentPastThePhysicalVolume_IsRejectedAtItsExtentCount()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        (string text, long textAt) = Text(image, mda);
        int segment2 = text.IndexOf("segment2 {", StringComparison.Ordinal);
        int stripe = text.IndexOf("\"pv0\", 5", segment2, StringComparison.Ordinal);
        int count = text.IndexOf("extent_count = ", segment2, StringComparison.Ordinal) + "extent_count = ".Length;
        ImagePatch.ReplaceLvmText(image, mda, Encoding.ASCII.GetBytes(text[..stripe] + "\"pv0\", 19" + text[(stripe + 8)..]));

        ImagePatch.AssertRejected(image, "lvm_metadata", "pvboot-vg/logical_volumes/root/segment2/extent_count", textAt + count);
    }

    [Test]
    public void Lvm_VolumeOnAPhysicalVolumeOfAnotherDisk_IsUnsupportedNamingTheVolume()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        (string text, long textAt) = Text(image, mda);
        string pvId = "id = \"5eed00-0400-0040-0080-0000-0000-000001\"";
        Assert.That(text, Does.Contain(pvId));
        text = text.Replace(pvId, "id = \"5eed00-0400-0040-0080-0000-0000-000009\"", StringComparison.Ordinal);
        int stripes = text.IndexOf("stripes = ", StringComparison.Ordinal) + "stripes = ".Length;
        ImagePatch.ReplaceLvmText(image, mda, Encoding.ASCII.GetBytes(text));

        var error = ImagePatch.AssertRejected(image, "lvm_metadata", "pvboot-vg/logical_volumes/root/segment1/stripes", textAt + stripes, ImageProblem.Unsupported);

        Assert.That(error.Message, Does.Contain("pvboot-vg/root"));
    }

    [Test]
    public void LvmChecksum_MatchesTheBitwiseDefinitionAndTheChecksumsLvmWrote()
    {
        byte[] image = ImagePatch.Load("lvm");
        long mda = ImagePatch.LvmMetadataArea(image, PhysicalVolume);
        (_, long textAt) = Text(image, mda);
        var random = new Random(1234);
        byte[] data = new byte[4099];
        random.NextBytes(data);

        Assert.That(LvmChecksum.Compute(data), Is.EqualTo(ImagePatch.LvmCrc(data)));
        Assert.That(LvmChecksum.Compute(image.AsSpan((int)mda + 4, 508)), Is.EqualTo(ImagePatch.U32(image, mda)), "mda_header checksum written by lvm");
        int size = (int)ImagePatch.U64(image, mda + 48);
        Assert.That(LvmChecksum.Compute(image.AsSpan((int)textAt, size)), Is.EqualTo(ImagePatch.U32(image, mda + 56)), "raw_locn checksum written by lvm");
    }

    [Test]
    public void Lvm_WholeDiskPhysicalVolume_YieldsItsVolumes()
    {
        // The PV cut out of its partition is a disk without a partition table whose first sectors hold the label.
        byte[] image = ImagePatch.Load("lvm")[(int)PhysicalVolume..];

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(image, "pv.img"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "lvm/pvboot--vg-root", "lvm/pvboot--vg-swap" }));
        Assert.That(found[0].Offset, Is.EqualTo(PartitionFixtures.Layout("lvm").First(l => l.GrubName == "lvm/pvboot--vg-root").Offset - PhysicalVolume));
    }

    private static (string Text, long At) Text(byte[] image, long mda)
    {
        long textAt = mda + (long)ImagePatch.U64(image, mda + 40);
        int size = (int)ImagePatch.U64(image, mda + 48);
        return (Encoding.ASCII.GetString(image, (int)textAt, size), textAt);
    }
}
