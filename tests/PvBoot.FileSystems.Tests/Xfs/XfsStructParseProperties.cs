using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.FileSystems.Xfs;

namespace PvBoot.FileSystems.Tests.Xfs;

/// <summary>Every XFS structure parser, fed arbitrary bytes, returns a value or throws <see cref="CorruptImageException"/>; nothing else.</summary>
public class XfsStructParseProperties
{
    private static readonly Lazy<XfsDsb> V5 = new(() => ((XfsFileSystem)XfsImages.Open("xfs-v5")).Superblock);
    private static readonly Lazy<XfsDsb> V4 = new(() => ((XfsFileSystem)XfsImages.Open("xfs-v4")).Superblock);

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Parse_AnyBytes_ThrowsOnlyCorruptImage(byte[] bytes, int position, bool flag, byte magic)
    {
        bytes ??= [];
        var failures = new List<string>();
        byte[] withMagic = (byte[])bytes.Clone();
        if (withMagic.Length >= 4)
        {
            uint[] magics = [XfsDsb.Magic, XfsBtreeBlock.Bmap3Magic, XfsBtreeBlock.BmapMagic, XfsDir3DataHdr.BlockMagic, XfsDir2DataHdr.DataMagic, XfsDsymlinkHdr.Magic];
            BinaryPrimitives.WriteUInt32BigEndian(withMagic, magics[magic % magics.Length]);
        }

        // The same bytes repeated to an inode-sized and a block-sized buffer, so that the parsers get past their length checks.
        byte[] inode = Repeat(withMagic, 512);
        byte[] block = Repeat(withMagic, 4096);
        if (bytes.Length > 2)
        {
            inode[0] = 0x49;
            inode[1] = 0x4E;
            inode[4] = (byte)(flag ? 3 : 2);
        }

        foreach (byte[] input in new[] { bytes, withMagic, inode, block })
        {
            Check(failures, "xfs_dsb", () => XfsDsb.Parse(input, 0, "t"));
            Check(failures, "xfs_dinode v5", () => XfsDinode.Parse(input, 0, "t", V5.Value, (ulong)(uint)position));
            Check(failures, "xfs_dinode v4", () => XfsDinode.Parse(input, 0, "t", V4.Value, (ulong)(uint)position));
            Check(failures, "xfs_bmbt_rec", () => XfsBmbtRec.Parse(input, 0, "t"));
            Check(failures, "xfs_bmdr_block", () => XfsBmdrBlock.Parse(input, 0, "t", XfsFileSystem.MaxBmbtLevel));
            Check(failures, "xfs_btree_block", () => XfsBtreeBlock.Parse(input, 0, "t", flag, !flag || position % 2 == 0, XfsBtreeBlock.Bmap3Magic, XfsBmbtRec.Size));
            Check(failures, "xfs_dir2_sf_hdr", () => XfsDir2SfHdr.Parse(input, 0, "t"));
            Check(failures, "xfs_dir2_sf_entry", () => XfsDir2SfEntry.Parse(input, position % 64, 0, "t", flag, flag ? 8 : 4));
            Check(failures, "xfs_dir2_data_hdr", () => XfsDir2DataHdr.Parse(input, 0, "t"));
            Check(failures, "xfs_dir3_data_hdr", () => XfsDir3DataHdr.Parse(input, 0, "t", 0));
            Check(failures, "xfs_dir2_block_tail", () => XfsDir2BlockTail.Parse(input, 0, "t", position % 80));
            Check(failures, "xfs_dir2_data_entry", () => XfsDir2DataEntry.Parse(input, position % 128, input.Length - (magic % 16), 0, "t", flag));
            Check(failures, "xfs_dsymlink_hdr", () => XfsDsymlinkHdr.Parse(input, 0, "t", 0, position % 100, magic));
        }

        return (failures.Count == 0).Label(string.Join("; ", failures));
    }

    private static byte[] Repeat(byte[] pattern, int length)
    {
        byte[] result = new byte[length];
        for (int i = 0; pattern.Length > 0 && i < length; i++)
        {
            result[i] = pattern[i % pattern.Length];
        }

        return result;
    }

    private static void Check(List<string> failures, string name, Action parse)
    {
        try
        {
            parse();
        }
        catch (CorruptImageException)
        {
        }
        catch (Exception e)
        {
            failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
        }
    }
}
