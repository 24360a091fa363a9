using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Tests.BlockSources;

public class ExtentListBlockSourceTests
{
    private static readonly byte[] Disk = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 + (i >> 8))).ToArray();

    [Test]
    public void ReadExactly_AcrossSegments_ReturnsBytesOfEachSegmentInOrder()
    {
        var disk = new MemoryBlockSource(Disk, "disk.img");
        var lv = new ExtentListBlockSource(disk, [new BlockExtent(3000, 100), new BlockExtent(512, 200)], "lvm/vg-lv");

        byte[] read = new byte[150];
        lv.ReadExactly(50, read);

        Assert.That(lv.Length, Is.EqualTo(300));
        Assert.That(read, Is.EqualTo(Disk[3050..3100].Concat(Disk[512..612]).ToArray()));
    }

    [Test]
    public void ReadExactly_PastTheEnd_ThrowsCorruptImageNamingTheSource()
    {
        var lv = new ExtentListBlockSource(new MemoryBlockSource(Disk, "disk.img"), [new BlockExtent(0, 100)], "lvm/vg-lv");

        var error = Assert.Throws<CorruptImageException>(() => lv.ReadExactly(90, new byte[20]));

        Assert.That(error!.SourceName, Is.EqualTo("lvm/vg-lv"));
        Assert.That(error.Message, Does.Contain("outside the 100-byte lvm/vg-lv"));
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property ReadExactly_AnyRangeInside_EqualsConcatenationOfSegments(PositiveInt a, PositiveInt b, NonNegativeInt start, NonNegativeInt length)
    {
        int first = a.Get % 1000 + 1;
        int second = b.Get % 1000 + 1;
        byte[] expected = Disk[100..(100 + first)].Concat(Disk[2000..(2000 + second)]).ToArray();
        var lv = new ExtentListBlockSource(new MemoryBlockSource(Disk, "d"), [new BlockExtent(100, first), new BlockExtent(2000, second)], "lv");
        int offset = start.Get % expected.Length;
        int count = length.Get % (expected.Length - offset + 1);

        byte[] read = new byte[count];
        lv.ReadExactly(offset, read);

        return read.AsSpan().SequenceEqual(expected.AsSpan(offset, count)).ToProperty();
    }
}
