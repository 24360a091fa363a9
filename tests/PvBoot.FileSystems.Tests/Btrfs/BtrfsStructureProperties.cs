using PvBoot.Core;
using PvBoot.FileSystems.Btrfs;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>Every on-disk structure's Parse, given arbitrary bytes, either succeeds or throws CorruptImageException.</summary>
public sealed class BtrfsStructureProperties
{
    private static readonly byte[] Fsid = new byte[16];

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public void Parse_AnyBytes_ThrowsOnlyCorruptImage(byte[] data, byte which, ulong logical)
    {
        int kind = which % 13;
        byte[] bytes = kind switch
        {
            // Structures that are only read from whole blocks get a block-sized buffer with the random bytes in front.
            0 => Pad(data, BtrfsSuperBlock.Size, magicAt: BtrfsSuperBlock.Layout.Magic),
            1 => Pad(data, 4096, magicAt: -1),
            _ => data,
        };
        try
        {
            switch (kind)
            {
                case 0: BtrfsSuperBlock.Parse(bytes, 0x10000, "fuzz"); break;
                case 1: BtrfsNode.Parse(bytes, 0, "fuzz", logical, Fsid); break;
                case 2: BtrfsHeader.Parse(bytes, 0, "fuzz", logical, Fsid); break;
                case 3: BtrfsItem.Parse(bytes, 0, "fuzz", 4000, 100); break;
                case 4: BtrfsKeyPtr.Parse(bytes, 0, "fuzz"); break;
                case 5: BtrfsChunk.Parse(bytes, 0, "fuzz", logical, 4096); break;
                case 6: BtrfsStripe.Parse(bytes, 0, "fuzz"); break;
                case 7: BtrfsRootItem.Parse(bytes, 0, "fuzz"); break;
                case 8: BtrfsInodeItem.Parse(bytes, 0, "fuzz"); break;
                case 9: BtrfsDirItem.Parse(bytes, 0, "fuzz"); break;
                case 11: BtrfsRootRef.Parse(bytes, 0, "fuzz"); break;
                case 12: BtrfsInodeRef.Parse(bytes, 0, "fuzz"); break;
                default: BtrfsFileExtentItem.Parse(bytes, 0, "fuzz", 4096); break;
            }
        }
        catch (CorruptImageException e)
        {
            Assert.That(e.SourceName, Is.EqualTo("fuzz"));
            Assert.That(e.Structure, Does.StartWith("btrfs_"));
        }
    }

    private static byte[] Pad(byte[] data, int size, int magicAt)
    {
        byte[] block = new byte[size];
        data.AsSpan(0, Math.Min(data.Length, size)).CopyTo(block);
        if (magicAt >= 0 && data.Length % 2 == 0)
        {
            BitConverter.TryWriteBytes(block.AsSpan(magicAt), BtrfsSuperBlock.Magic);
            BitConverter.TryWriteBytes(block.AsSpan(BtrfsSuperBlock.Layout.Bytenr), 0x10000UL);
        }

        return block;
    }
}
