using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Ext;
using PvBoot.FileSystems.Tests.Ext;
using PvBoot.FileSystems.Xfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Common;

/// <summary>
/// Copying a fragmented file: the fixtures' 50 MiB files lie in 12,800 single-block extents that alternate with the
/// blocks of another file (ext4-frag's punched filler, xfs-frag's preallocated filler). Each 256 KiB chunk must come
/// in one scatter read that drops the other file's blocks, not in one read per extent nor through a copy in memory.
/// </summary>
public class ScatterCopyTests
{
    private const int Chunk = 256 * 1024;

    [TestCase("ext4-frag", "/frag.bin")]
    [TestCase("xfs-frag", "/frag50")]
    public void FragmentedFile_IsCopiedWithOneScatterReadPerChunk(string image, string path)
    {
        using var file = new FileBlockSource(Fixtures.Image(image));
        var counting = new RecordingBlockSource(file);
        IFileSystemReader fs = image.StartsWith("ext", StringComparison.Ordinal)
            ? ExtFileSystem.Open(counting, FileSystemBudgets.Default)
            : XfsFileSystem.Open(counting, FileSystemBudgets.Default);
        FileSystemEntry entry = fs.Lookup(PathBytes.FromConfigText(path)) ?? throw new AssertionException($"{path} not found");
        counting.Reset();

        string sha = Sha256Sink.Of(fs, entry);

        Assert.That(sha, Is.EqualTo(Fixtures.Manifest(image).Single(e => e.Path == path).Sha256));
        long chunks = (entry.Size + Chunk - 1) / Chunk;
        // One per chunk, and one more where the file jumps further than the scratch buffer (a block group's metadata).
        Assert.That(counting.ScatterReads, Is.InRange(chunks, chunks + 8), "scatter reads");
        Assert.That(counting.ScatterBuffers, Is.GreaterThan(12_800), "every extent lands in its place in the chunk");
        Assert.That(counting.ScatterBytes, Is.LessThanOrEqualTo(2 * entry.Size), "at most the file and the blocks between its extents");
        Assert.That(counting.Reads, Has.Count.LessThan(chunks), $"{counting.Reads.Count} plain reads: only metadata may be read one by one");
    }

    [Test]
    public void ContiguousFile_IsCopiedWithOneReadPerChunkAndNoExtraBytes()
    {
        const string Path = "/boot/initrd.img-6.1.0-pv";
        string image = Fixtures.Image("ext4-default");
        Assert.That(ExtImage.Debugfs(image, "ex " + Path), Does.Contain(" 1/  1 "), "the fixture's initrd is one extent");
        using var file = new FileBlockSource(image);
        var counting = new RecordingBlockSource(file);
        var fs = ExtFileSystem.Open(counting, FileSystemBudgets.Default);
        FileSystemEntry entry = fs.Lookup(PathBytes.FromConfigText(Path)) ?? throw new AssertionException($"{Path} not found");
        counting.Reset();

        string sha = Sha256Sink.Of(fs, entry);

        Assert.That(sha, Is.EqualTo(Fixtures.Manifest("ext4-default").Single(e => e.Path == Path).Sha256));
        Assert.That(counting.ScatterReads, Is.EqualTo((entry.Size + Chunk - 1) / Chunk));
        Assert.That(counting.ScatterBuffers, Is.EqualTo(counting.ScatterReads), "a contiguous chunk is one buffer");
        Assert.That(counting.ScatterBytes, Is.EqualTo(entry.Size), "no byte outside the file is read");
    }
}
