using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Tests.BlockSources;

/// <summary>
/// <see cref="IBlockSource.ReadExactly(long, IReadOnlyList{Memory{byte}})"/>: every source fills the buffers in order
/// with exactly the bytes one contiguous read returns, and refuses the same ranges.
/// </summary>
public class ScatterReadTests
{
    private const int FileBytes = 1 << 20;
    private string path = "";
    private byte[] content = [];

    [OneTimeSetUp]
    public void WriteFile()
    {
        content = new byte[FileBytes];
        new Random(20261124).NextBytes(content);
        path = Path.Combine(Path.GetTempPath(), $"pvboot-scatter-{Environment.ProcessId}.img");
        File.WriteAllBytes(path, content);
    }

    [OneTimeTearDown]
    public void RemoveFile() => File.Delete(path);

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property File_AnySplit_EqualsOneContiguousRead(NonNegativeInt start, NonEmptyArray<PositiveInt> sizes, bool pinned)
    {
        using var file = new FileBlockSource(path);
        return SplitReadMatches(file, content, start, sizes, pinned);
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Partition_AnySplit_EqualsOneContiguousRead(NonNegativeInt start, NonEmptyArray<PositiveInt> sizes)
    {
        using var file = new FileBlockSource(path);
        var partition = new SubBlockSource(file, 4096, FileBytes - 8192, "disk.img (p1)");
        return SplitReadMatches(partition, content[4096..(FileBytes - 4096)], start, sizes, pinned: true);
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property LogicalVolume_AnySplit_EqualsOneContiguousRead(NonNegativeInt start, NonEmptyArray<PositiveInt> sizes)
    {
        using var file = new FileBlockSource(path);
        // Three segments out of order, so that some reads stay inside one and others cross into the next.
        var lv = new ExtentListBlockSource(file, [new BlockExtent(600_000, 200_000), new BlockExtent(0, 150_000), new BlockExtent(300_000, 250_000)], "vg-lv");
        byte[] expected = [.. content[600_000..800_000], .. content[0..150_000], .. content[300_000..550_000]];
        return SplitReadMatches(lv, expected, start, sizes, pinned: true);
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Memory_AnySplit_EqualsOneContiguousRead(NonNegativeInt start, NonEmptyArray<PositiveInt> sizes)
        => SplitReadMatches(new MemoryBlockSource(content, "memory"), content, start, sizes, pinned: false);

    [Test]
    public void File_MoreBuffersThanOneSystemCallTakes_AreAllFilled()
    {
        using var file = new FileBlockSource(path);
        List<Memory<byte>> buffers = [.. Enumerable.Range(0, 1500).Select(i => new Memory<byte>(new byte[(i % 7) + 1]))];

        file.ReadExactly(1000, buffers);

        byte[] joined = [.. buffers.SelectMany(b => b.ToArray())];
        Assert.That(joined, Is.EqualTo(content.AsSpan(1000, joined.Length).ToArray()));
    }

    [Test]
    public void Partition_RangePastItsEnd_ThrowsCorruptImageNamingThePartition()
    {
        using var file = new FileBlockSource(path);
        var partition = new SubBlockSource(file, 4096, 8192, "disk.img (p1)");
        byte[] first = new byte[8000];
        byte[] second = new byte[500];

        var error = Assert.Throws<CorruptImageException>(() => partition.ReadExactly(0, [first, second]));

        Assert.That(error!.SourceName, Is.EqualTo("disk.img (p1)"));
        Assert.That(error.Message, Does.Contain("8500 bytes at offset 0 lie outside the 8192-byte"));
        Assert.That(first, Is.All.EqualTo(0), "nothing is read when the range is refused");
    }

    [Test]
    public void File_TruncatedAfterOpening_ThrowsWhereTheBytesEnd()
    {
        string copy = path + ".truncated";
        File.WriteAllBytes(copy, content);
        try
        {
            using var file = new FileBlockSource(copy);
            using (var stream = new FileStream(copy, FileMode.Open, FileAccess.Write))
            {
                stream.SetLength(300_000);
            }

            byte[] first = new byte[50_000];
            byte[] second = new byte[100_000];
            var error = Assert.Throws<CorruptImageException>(() => file.ReadExactly(200_000, [first, second]));

            Assert.That(error!.Offset, Is.EqualTo(300_000), "the read stops where the file now ends");
            Assert.That(error.Message, Does.Contain("ended early"));
            Assert.That(first, Is.EqualTo(content[200_000..250_000]), "the buffers before the end are filled");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static Property SplitReadMatches(IBlockSource source, byte[] expected, NonNegativeInt start, NonEmptyArray<PositiveInt> sizes, bool pinned)
    {
        var lengths = new List<int>();
        int total = 0;
        foreach (PositiveInt size in sizes.Get.Take(64))
        {
            int length = size.Get % 20_000;
            if (total + length > expected.Length)
            {
                break;
            }

            lengths.Add(length);
            total += length;
        }

        int offset = start.Get % (expected.Length - total + 1);
        byte[] backing = pinned ? GC.AllocateUninitializedArray<byte>(total, pinned: true) : new byte[total];
        var buffers = new List<Memory<byte>>();
        int at = 0;
        foreach (int length in lengths)
        {
            buffers.Add(pinned ? MemoryMarshal.CreateFromPinnedArray(backing, at, length) : backing.AsMemory(at, length));
            at += length;
        }

        source.ReadExactly(offset, buffers);

        return backing.AsSpan().SequenceEqual(expected.AsSpan(offset, total))
            .Label($"{lengths.Count} buffers, {total} bytes at {offset}");
    }
}
