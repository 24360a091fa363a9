using System.Buffers.Binary;
using System.Diagnostics;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>
/// hostile-input.md §4 B1–B4: each case patches one field of a real fixture (every metadata copy, checksum
/// recomputed so that the validator is what objects) and expects a located <see cref="CorruptImageException"/>.
/// </summary>
public sealed class BtrfsMustRefuseTests
{
    private const long Sb = BtrfsConstants.PrimarySuperBlockOffset;
    private const long FirstSysChunk = Sb + BtrfsSuperBlock.Layout.SysChunkArray + BtrfsKey.Size;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    // ---- B1 chunks

    [Test]
    public void SysChunkArraySize_Above2048_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsTestImage.PatchSuperBlock(source, BtrfsSuperBlock.Layout.SysChunkArraySize, U32(2049));
        Refused(source, "btrfs_super_block", "sys_chunk_array_size", Sb + BtrfsSuperBlock.Layout.SysChunkArraySize);
    }

    [TestCase(0)]
    [TestCase(1000)]
    public void ChunkNumStripes_ZeroOrAbsurd_Refused(int stripes)
    {
        var source = Patched("btrfs-rootdir");
        BtrfsTestImage.PatchSuperBlock(source, SysChunkField(BtrfsChunk.Layout.NumStripes), U16(stripes));
        Refused(source, "btrfs_chunk", "num_stripes", FirstSysChunk + BtrfsChunk.Layout.NumStripes);
    }

    [Test]
    public void ChunkNumStripes_DisagreesWithDupProfile_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsTestImage.PatchSuperBlock(source, SysChunkField(BtrfsChunk.Layout.NumStripes), U16(1));
        Refused(source, "btrfs_chunk", "num_stripes", FirstSysChunk + BtrfsChunk.Layout.NumStripes);
    }

    [Test]
    public void ChunkStripeLen_Zero_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsTestImage.PatchSuperBlock(source, SysChunkField(BtrfsChunk.Layout.StripeLen), U64(0));
        Refused(source, "btrfs_chunk", "stripe_len", FirstSysChunk + BtrfsChunk.Layout.StripeLen);
    }

    [Test]
    public void ChunkRaid10_SubStripesNotTwo_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsTestImage.PatchSuperBlock(source, SysChunkField(BtrfsChunk.Layout.Type), U64(2 | BtrfsConstants.BlockGroupRaid10));
        BtrfsTestImage.PatchSuperBlock(source, SysChunkField(BtrfsChunk.Layout.SubStripes), U16(1));
        Refused(source, "btrfs_chunk", "sub_stripes", FirstSysChunk + BtrfsChunk.Layout.SubStripes);
    }

    [TestCase(BtrfsConstants.BlockGroupRaid0, "RAID0")]
    [TestCase(BtrfsConstants.BlockGroupRaid5, "RAID5")]
    [TestCase(BtrfsConstants.BlockGroupRaid6, "RAID6")]
    public void ChunkStripedProfile_RefusedAsUnsupportedNamingTheProfile(ulong profile, string name)
    {
        var source = Patched("btrfs-rootdir");
        BtrfsTestImage.PatchSuperBlock(source, SysChunkField(BtrfsChunk.Layout.Type), U64(2 | profile));
        CorruptImageException e = Refused(source, "btrfs_chunk", "type", FirstSysChunk + BtrfsChunk.Layout.Type);
        Assert.That(e.Kind, Is.EqualTo(ImageProblem.Unsupported));
        Assert.That(e.Message, Does.Contain(name));
    }

    // ---- B2 nodes

    [Test]
    public void NodeLevel_Above7_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode root = FsTreeRoot(fs);
        BtrfsTestImage.PatchNode(source, fs, root.Header.Bytenr, BtrfsHeader.Layout.Level, [8]);
        Refused(source, "btrfs_header", "level", root.DiskOffset + BtrfsHeader.Layout.Level);
    }

    [Test]
    public void NodeLevel_NotDecreasingByOne_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode root = FsTreeRoot(fs);
        BtrfsNode leaf = fs.ChildNode(root, 0);
        (BtrfsNode rootLeaf, int index) = BtrfsTestImage.Item(fs, fs.RootTree, new BtrfsKey(5, BtrfsConstants.RootItemKey, 0));

        // Claim level 2 in both the root item and the root block: the level-0 child now sits where level 1 belongs.
        BtrfsTestImage.PatchNode(source, fs, root.Header.Bytenr, BtrfsHeader.Layout.Level, [2]);
        BtrfsTestImage.PatchNode(source, fs, rootLeaf.Header.Bytenr, Relative(rootLeaf, index) + BtrfsRootItem.Layout.Level, [2]);
        Refused(source, "btrfs_header", "level", leaf.DiskOffset + BtrfsHeader.Layout.Level);
    }

    [Test]
    public void NodeItemCount_BeyondNode_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode leaf = fs.ChildNode(FsTreeRoot(fs), 0);
        BtrfsTestImage.PatchNode(source, fs, leaf.Header.Bytenr, BtrfsHeader.Layout.ItemCount, U32(1000));
        Refused(source, "btrfs_header", "nritems", leaf.DiskOffset + BtrfsHeader.Layout.ItemCount);
    }

    [Test]
    public void ItemOffsetPlusSize_OutsideLeaf_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode leaf = fs.ChildNode(FsTreeRoot(fs), 0);
        int item = BtrfsHeader.Size + BtrfsItem.Size;
        BtrfsTestImage.PatchNode(source, fs, leaf.Header.Bytenr, item + BtrfsItem.Layout.Offset, U32(fs.SuperBlock.NodeSize - BtrfsHeader.Size - 8));
        Refused(source, "btrfs_item", "offset", leaf.DiskOffset + item + BtrfsItem.Layout.Offset);
    }

    [Test]
    public void ChildPointer_ToTheNodeItself_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode root = FsTreeRoot(fs);
        int pointer = BtrfsHeader.Size + BtrfsKeyPtr.Size;
        BtrfsTestImage.PatchNodeUInt64(source, fs, root.Header.Bytenr, pointer + BtrfsKeyPtr.Layout.BlockPtr, root.Header.Bytenr);
        Refused(source, "btrfs_key_ptr", "blockptr", root.DiskOffset + pointer + BtrfsKeyPtr.Layout.BlockPtr);
    }

    [Test]
    public void LeafKeys_OutOfOrder_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode leaf = fs.ChildNode(FsTreeRoot(fs), 0);
        int item = BtrfsHeader.Size + (2 * BtrfsItem.Size);
        BtrfsTestImage.PatchNodeUInt64(source, fs, leaf.Header.Bytenr, item + BtrfsItem.Layout.Key + BtrfsKey.Layout.ObjectId, 1);
        Refused(source, "btrfs_item", "key", leaf.DiskOffset + item);
    }

    [Test]
    public void NodeKeyPointers_OutOfOrder_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode root = FsTreeRoot(fs);
        Assert.That(root.Count, Is.GreaterThanOrEqualTo(2));
        int pointer = BtrfsHeader.Size + BtrfsKeyPtr.Size;
        BtrfsTestImage.PatchNodeUInt64(source, fs, root.Header.Bytenr, pointer + BtrfsKeyPtr.Layout.Key + BtrfsKey.Layout.ObjectId, 1);
        Refused(source, "btrfs_key_ptr", "key", root.DiskOffset + pointer);
    }

    [Test]
    public void ChildPointer_InNoChunk_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        BtrfsNode root = FsTreeRoot(fs);
        int pointer = BtrfsHeader.Size;
        BtrfsTestImage.PatchNodeUInt64(source, fs, root.Header.Bytenr, pointer + BtrfsKeyPtr.Layout.BlockPtr, 1UL << 50);
        CorruptImageException e = Refused(source, "btrfs_key_ptr", "blockptr", root.DiskOffset + pointer + BtrfsKeyPtr.Layout.BlockPtr);
        Assert.That(e.Message, Does.Contain("lies in no chunk"));
    }

    // ---- B3 directory items

    [Test]
    public void DirItem_NameLenPastItem_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        (BtrfsNode leaf, int index) = BootDirItem(fs);
        BtrfsTestImage.PatchNode(source, fs, leaf.Header.Bytenr, Relative(leaf, index) + BtrfsDirItem.Layout.NameLen, U16(200));
        Refused(source, "btrfs_dir_item", "name_len", leaf.ItemDataOffset(index) + BtrfsDirItem.Layout.NameLen, "/boot/vmlinuz");
    }

    [Test]
    public void DirItem_NameLenPlusDataLenPastItem_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        (BtrfsNode leaf, int index) = BootDirItem(fs);
        BtrfsTestImage.PatchNode(source, fs, leaf.Header.Bytenr, Relative(leaf, index) + BtrfsDirItem.Layout.DataLen, U16(100));
        Refused(source, "btrfs_dir_item", "data_len", leaf.ItemDataOffset(index) + BtrfsDirItem.Layout.DataLen, "/boot/vmlinuz");
    }

    // ---- B4 extents

    [TestCase("zlib")]
    [TestCase("lzo")]
    [TestCase("zstd")]
    public void CompressedExtent_InflatesPastRamBytes_Refused(string algorithm)
    {
        var source = Patched("btrfs-compress");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        (BtrfsNode leaf, int index) = FirstExtent(fs, $"/{algorithm}/positional.bin");
        var extent = BtrfsFileExtentItem.Parse(leaf.ItemData(index), leaf.ItemDataOffset(index), source.Name, 4096);
        Assert.That(extent.Compression, Is.Not.Zero, "the fixture's extent is compressed");
        Assert.That(extent.RamBytes, Is.EqualTo(131072UL));
        int at = Relative(leaf, index);
        BtrfsTestImage.PatchNodeUInt64(source, fs, leaf.Header.Bytenr, at + BtrfsFileExtentItem.Layout.RamBytes, 65536);
        BtrfsTestImage.PatchNodeUInt64(source, fs, leaf.Header.Bytenr, at + BtrfsFileExtentItem.Layout.NumBytes, 65536);
        CorruptImageException e = Refused(source, "btrfs_file_extent_item", "ram_bytes",
            leaf.ItemDataOffset(index) + BtrfsFileExtentItem.Layout.RamBytes, $"/{algorithm}/positional.bin");
        Assert.That(e.Message, Does.Contain("inflates past"));
    }

    [Test]
    public void CompressedExtent_RamBytesAbove128KiB_Refused()
    {
        var source = Patched("btrfs-compress");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        (BtrfsNode leaf, int index) = FirstExtent(fs, "/zstd/positional.bin");
        BtrfsTestImage.PatchNodeUInt64(source, fs, leaf.Header.Bytenr, Relative(leaf, index) + BtrfsFileExtentItem.Layout.RamBytes, (128 * 1024) + 4096);
        Refused(source, "btrfs_file_extent_item", "ram_bytes", leaf.ItemDataOffset(index) + BtrfsFileExtentItem.Layout.RamBytes, "/zstd/positional.bin");
    }

    [TestCase("btrfs-rootdir", "/inline-1000.bin")]
    [TestCase("btrfs-compress", "/lzo/inline.txt")]
    public void InlineExtent_RamBytes1GiB_Refused(string image, string path)
    {
        var source = Patched(image);
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        (BtrfsNode leaf, int index) = FirstExtent(fs, path);
        Assert.That(leaf.ItemData(index)[BtrfsFileExtentItem.Layout.Type], Is.EqualTo(BtrfsConstants.FileExtentInline));
        BtrfsTestImage.PatchNodeUInt64(source, fs, leaf.Header.Bytenr, Relative(leaf, index) + BtrfsFileExtentItem.Layout.RamBytes, 1UL << 30);
        Refused(source, "btrfs_file_extent_item", "ram_bytes", leaf.ItemDataOffset(index) + BtrfsFileExtentItem.Layout.RamBytes, path);
    }

    [Test]
    public void ExtentDiskBytenr_InNoChunk_Refused()
    {
        var source = Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        (BtrfsNode leaf, int index) = FirstExtent(fs, "/random-100k.bin");
        BtrfsTestImage.PatchNodeUInt64(source, fs, leaf.Header.Bytenr, Relative(leaf, index) + BtrfsFileExtentItem.Layout.DiskBytenr, 1UL << 50);
        CorruptImageException e = Refused(source, "btrfs_file_extent_item", "disk_bytenr",
            leaf.ItemDataOffset(index) + BtrfsFileExtentItem.Layout.DiskBytenr, "/random-100k.bin");
        Assert.That(e.Message, Does.Contain("lies in no chunk"));
    }

    // ---- helpers

    internal static PatchedBlockSource Patched(string image) => new(BtrfsTestImage.Source(image));

    private static int SysChunkField(int field) => BtrfsSuperBlock.Layout.SysChunkArray + BtrfsKey.Size + field;

    private static BtrfsNode FsTreeRoot(BtrfsFileSystem fs)
    {
        BtrfsNode root = fs.TreeRootNode(fs.SubvolumeTree(5));
        Assert.That(root.Header.Level, Is.EqualTo(1), "the fixture's FS tree has an internal root");
        return root;
    }

    private static (BtrfsNode Node, int Index) BootDirItem(BtrfsFileSystem fs)
        => BtrfsTestImage.Item(fs, fs.SubvolumeTree(5), new BtrfsKey(256, BtrfsConstants.DirItemKey, BtrfsTestImage.NameHash("boot")));

    private static (BtrfsNode Node, int Index) FirstExtent(BtrfsFileSystem fs, string path)
    {
        BtrfsInode inode = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(fs, path));
        return BtrfsTestImage.Item(fs, inode.Tree, new BtrfsKey(inode.ObjectId, BtrfsConstants.ExtentDataKey, 0));
    }

    private static int Relative(BtrfsNode node, int index) => (int)(node.ItemDataOffset(index) - node.DiskOffset);

    private static byte[] U16(int value)
    {
        byte[] b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
        return b;
    }

    private static byte[] U32(uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    private static byte[] U64(ulong value)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return b;
    }

    /// <summary>Opens a fresh reader on the patched image, reads <paramref name="path"/> and expects the located error within the bound.</summary>
    private static CorruptImageException Refused(PatchedBlockSource source, string structure, string field, long offset, string path = "/boot/vmlinuz")
    {
        var clock = Stopwatch.StartNew();
        CorruptImageException? error = null;
        try
        {
            IFileSystemReader fs = BtrfsTestImage.Open(source);
            FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path));
            if (entry is { Type: FileSystemEntryType.Regular })
            {
                fs.CopyTo(entry, Stream.Null);
            }
        }
        catch (CorruptImageException e)
        {
            error = e;
        }

        clock.Stop();
        Assert.That(error, Is.Not.Null, "the patched image was accepted");
        Assert.That(clock.Elapsed, Is.LessThan(Bound));
        Assert.That((error!.Structure, error.Field, error.Offset), Is.EqualTo((structure, field, offset)), error.Message);
        Assert.That(error.SourceName, Is.EqualTo(source.Name));
        return error;
    }
}
