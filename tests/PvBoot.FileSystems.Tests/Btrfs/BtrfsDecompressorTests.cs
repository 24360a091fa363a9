using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;

namespace PvBoot.FileSystems.Tests.Btrfs;

public sealed class BtrfsDecompressorTests
{
    /// <summary>Arbitrary bytes fed to each decompressor: a result within the output, -1, or InvalidDataException; nothing else.</summary>
    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public void AnyBytes_OnlyBoundedOutputOrInvalidData(byte[] data, byte algorithm, bool withHeader)
    {
        byte compression = (byte)((algorithm % 3) + 1);
        byte[] input = data;
        if (withHeader)
        {
            // Give the random tail a plausible start so the inner decoders, not only the framing checks, see it.
            byte[] header = compression switch
            {
                BtrfsConstants.CompressZlib => [0x78, 0x9C],
                BtrfsConstants.CompressZstd => [0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x40],
                _ => [(byte)(data.Length + 8), 0, 0, 0, (byte)data.Length, 0, 0, 0],
            };
            input = [.. header, .. data];
        }

        byte[] output = new byte[4096];
        try
        {
            int produced = BtrfsDecompressor.Decompress(compression, input, output, 4096);
            Assert.That(produced, Is.InRange(-1, output.Length));
        }
        catch (InvalidDataException)
        {
        }
    }

    [Test]
    public void ZlibHeaderAskingForAPresetDictionary_IsInvalidData()
    {
        // 0x38 0x30: deflate with a valid FCHECK and FLG.FDICT set, then a dictionary id; zlib answers Z_NEED_DICT.
        byte[] input = [0x38, 0x30, 0, 0, 0, 0];
        var e = Assert.Throws<InvalidDataException>(() => BtrfsDecompressor.Decompress(BtrfsConstants.CompressZlib, input, new byte[4096], 4096));
        Assert.That(e!.Message, Does.Contain("preset dictionary"));
    }

    [Test]
    public void RealLzoExtent_DecodesAllSegments_AndTruncationIsInvalidData()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-compress");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsInode inode = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(fs, "/lzo/positional.bin"));
        (BtrfsNode leaf, int index) = BtrfsTestImage.Item(fs, inode.Tree, new BtrfsKey(inode.ObjectId, BtrfsConstants.ExtentDataKey, 0));
        var extent = BtrfsFileExtentItem.Parse(leaf.ItemData(index), leaf.ItemDataOffset(index), source.Name, 4096);
        Assert.That(extent.Compression, Is.EqualTo(BtrfsConstants.CompressLzo));
        long physical = fs.PhysicalCopies(extent.DiskBytenr)[0];
        byte[] compressed = new byte[extent.DiskNumBytes];
        source.ReadExactly(physical, compressed);
        byte[] output = new byte[extent.RamBytes];
        Assert.That(BtrfsDecompressor.Decompress(BtrfsConstants.CompressLzo, compressed, output, 4096), Is.EqualTo((int)extent.RamBytes));
        Assert.That(System.Text.Encoding.ASCII.GetString(output, 0, 24), Does.StartWith("lzo-positional@0\n"));
        Assert.That(System.Text.Encoding.ASCII.GetString(output, 4096, 24), Does.StartWith("lzo-positional@4096\n"));

        // Cutting the stream short must be reported, not read past.
        Assert.Throws<InvalidDataException>(() => BtrfsDecompressor.Decompress(BtrfsConstants.CompressLzo, compressed.AsSpan(0, 100), output, 4096));
        Assert.That(BtrfsDecompressor.Decompress(BtrfsConstants.CompressLzo, compressed, new byte[65536], 4096), Is.EqualTo(-1), "more than ram_bytes");
    }
}
