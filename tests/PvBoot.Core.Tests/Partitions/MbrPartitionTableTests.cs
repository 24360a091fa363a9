using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;
using PvBoot.Testing;

namespace PvBoot.Core.Tests.Partitions;

public class MbrPartitionTableTests
{
    [Test]
    public void Discover_SfdiskMbr_ActivePartitionFirstThenTableOrderThenLogicalFromFive()
    {
        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(Fixtures.Image("mbr"));

        Assert.That(found.Select(c => c.GrubName), Is.EqualTo(new[] { "hd0,msdos2", "hd0,msdos1", "hd0,msdos5", "hd0,msdos6", "hd0,msdos7" }));
        Assert.That(found[0].Active, Is.True);
        Assert.That(found.Select(c => c.Number), Is.EqualTo(new[] { 2, 1, 5, 6, 7 }));
        Assert.That(found.Select(c => c.MbrType), Is.EqualTo(new byte?[] { 0x83, 0x83, 0x83, 0x82, 0x8E }));
        Assert.That(found[2].Source.Name, Does.EndWith("mbr.img (hd0,msdos5)"));
    }

    [Test]
    public void Discover_NoPartitionTable_YieldsTheWholeDiskAsHd0()
    {
        byte[] zeros = new byte[64 * 1024];

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(new MemoryBlockSource(zeros, "blank.img"));

        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(found[0].GrubName, Is.EqualTo("hd0"));
        Assert.That(found[0].Scheme, Is.EqualTo(PartitionScheme.WholeDisk));
        Assert.That(found[0].Offset, Is.Zero);
        Assert.That(found[0].Length, Is.EqualTo(zeros.Length));
    }

    [TestCase("mkfs.fat", "-F", "12")]
    [TestCase("mkfs.fat", "-F", "32")]
    [TestCase("mkfs.ext4", "-q", "-F")]
    public void Discover_FileSystemOnTheWholeDisk_IsHd0(string mkfs, string option, string value)
    {
        // mkfs.fat writes the 0x55AA signature at byte 510, so the records must also be checked before trusting it.
        string image = Path.Combine(Fixtures.WorkDirectory, $"whole-{mkfs}-{value}.img");
        using (var file = File.Create(image))
        {
            file.SetLength(40 * 1024 * 1024);
        }

        ToolResult result = Tool.Run(mkfs, [option, value, image]);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);

        IReadOnlyList<PartitionCandidate> found = PartitionFixtures.Discover(image);

        Assert.That(found.Select(c => (c.GrubName, c.Offset, c.Length)), Is.EqualTo(new[] { ("hd0", 0L, 40L * 1024 * 1024) }));
    }
}
