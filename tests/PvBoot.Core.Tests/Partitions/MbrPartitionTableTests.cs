using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;
using PvBoot.Testing;

namespace PvBoot.Core.Tests.Partitions;

public class MbrPartitionTableTests
{
    [Test]
    public void Discover_SfdiskMbrWithLogicalPartitions_FindsTheOffsetsSfdiskReports()
    {
        using var disk = new FileBlockSource(Fixtures.Image("mbr"));

        IReadOnlyList<PartitionCandidate> found = PartitionDiscovery.Discover(disk);

        IReadOnlyList<ToolLayout> layout = PartitionFixtures.Layout("mbr");
        Assert.That(layout, Has.Count.EqualTo(5));
        Assert.That(
            found.Select(c => (c.GrubName, c.Offset, c.Length)).OrderBy(c => c.Offset),
            Is.EqualTo(layout.Select(l => (l.GrubName, l.Offset, l.Length)).OrderBy(c => c.Offset)));
        PartitionFixtures.AssertPayloads("mbr", found);
    }

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
}
