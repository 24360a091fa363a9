using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.FileSystems.Ext;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>Every on-disk structure's Parse, given arbitrary bytes, returns or raises <see cref="CorruptImageException"/> and nothing else.</summary>
public class ExtStructureParseTests
{
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Parse_AnyBytes_ThrowsOnlyCorruptImage(byte[] bytes, PositiveInt blockLog)
    {
        byte[] span = bytes ?? [];
        int blockSize = 1024 << (blockLog.Get % 7);
        var parsers = new Action[]
        {
            () => Ext4SuperBlock.Parse(Pad(span, Ext4SuperBlock.Size, 0x38, [0x53, 0xEF]), 1024, "fuzz", 1L << 40),
            () => Ext4SuperBlock.Parse(span, 1024, "fuzz", span.Length),
            () => Ext4GroupDesc.Parse(span, span.Length >= 64 ? 64 : 32, 4096, "fuzz"),
            () => Ext4Inode.Parse(span, 256, 1L << 44, 0, "fuzz"),
            () => Ext4ExtentHeader.Parse(Pad(span, 60, 0, [0x0A, 0xF3]), 0, "fuzz"),
            () => Ext4Extent.Parse(span, 1UL << 32, 0, "fuzz"),
            () => Ext4ExtentIdx.Parse(span, 1UL << 32, 1, 0, "fuzz"),
            () => Ext4DirEntry2.Parse(span, true, blockSize, 0, "fuzz"),
            () => Ext4DirEntry2.Parse(span, false, blockSize, 0, "fuzz"),
            () => Ext4DxCountLimit.Parse(span, span.Length > 0 ? span[0] : 0, 0, "fuzz"),
            () => Ext4XattrEntry.Parse(span, 0, "fuzz"),
        };
        foreach (Action parse in parsers)
        {
            try
            {
                parse();
            }
            catch (CorruptImageException)
            {
            }
        }

        return true.ToProperty();
    }

    /// <summary>Random bytes of at least <paramref name="size"/> with the magic planted so parsing gets past it.</summary>
    private static byte[] Pad(byte[] bytes, int size, int magicOffset, byte[] magic)
    {
        byte[] padded = new byte[Math.Max(size, bytes.Length)];
        bytes.CopyTo(padded, 0);
        magic.CopyTo(padded, magicOffset);
        return padded;
    }
}
