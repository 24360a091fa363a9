using System.Diagnostics;
using System.Text;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Xfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Xfs;

/// <summary>
/// The XFS classes of ../shared/docs/hostile-input.md §4 (F1–F6) and the cross-file-system ones (G1–G6), each made by
/// patching one field of a real fixture. v5 variants recompute the CRC so that the value reaches the validator.
/// </summary>
public class XfsHostileInputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    // ---- F1 superblock geometry (the XSA-443 checks) ----

    [TestCase("blocklog", XfsDsb.Layout.BlockLog, 16, "sb_blocklog")]
    [TestCase("inodelog", XfsDsb.Layout.InodeLog, 8, "sb_inodelog")]
    [TestCase("agblklog", XfsDsb.Layout.AgBlkLog, 40, "sb_agblklog")]
    [TestCase("dirblklog", XfsDsb.Layout.DirBlkLog, 15, "sb_dirblklog")]
    [TestCase("inopblog", XfsDsb.Layout.InoPBLog, 5, "sb_inopblog")]
    public void F1_SuperblockLogDisagreesWithSize_IsRefused(string name, int offset, int value, string field)
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f1-" + name);
        image.WriteU8(offset, (byte)value);
        image.UpdateSuperblockCrc();

        AssertRefused(() => image.Open(), "xfs_dsb", field, offset);
    }

    [Test]
    public void F1_InopblockOf512_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f1-inopblock");
        image.WriteU16(XfsDsb.Layout.InoPBlock, 512);
        image.UpdateSuperblockCrc();

        AssertRefused(() => image.Open(), "xfs_dsb", "sb_inopblock", XfsDsb.Layout.InoPBlock);
    }

    [Test]
    public void F1_AgblocksOutsideTheAgblklogRange_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f1-agblocks");
        image.WriteU32(XfsDsb.Layout.AgBlocks, 1u << (image.Superblock.AgBlkLog - 1));
        image.UpdateSuperblockCrc();

        AssertRefused(() => image.Open(), "xfs_dsb", "sb_agblklog", XfsDsb.Layout.AgBlkLog);
    }

    [Test]
    public void F1_AgcountTimesAgblocksBelowDblocks_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "f1-agcount");
        image.WriteU32(XfsDsb.Layout.AgCount, 1);

        AssertRefused(() => image.Open(), "xfs_dsb", "sb_dblocks", XfsDsb.Layout.DBlocks);
    }

    [Test]
    public void F1_BlocklogWrittenByXfsDb_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "f1-xfsdb");
        ToolResult db = Tool.Run("xfs_db", ["-x", "-c", "sb 0", "-c", "write blocklog 16", image.Path]);
        Assert.That(db.ExitCode, Is.Zero, db.Stderr);

        AssertRefused(() => image.Open(), "xfs_dsb", "sb_blocklog", XfsDsb.Layout.BlockLog);
    }

    // ---- F2 fork counts ----

    [Test]
    public void F2_NextentsLargerThanTheForkHolds_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "f2-nextents");
        long inode = image.InodeOffset("/boot/vmlinuz-6.1.0-pvboot");
        image.WriteU32(inode + XfsDinode.Layout.NExtents, 1000);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/vmlinuz-6.1.0-pvboot"u8), "xfs_dinode", "di_nextents", inode + XfsDinode.Layout.NExtents);
    }

    [Test]
    public void F2_BigNextentsLargerThanTheForkHolds_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f2-big-nextents");
        long inode = image.InodeOffset("/boot/vmlinuz-6.1.0-pvboot");
        image.WriteU64(inode + XfsDinode.Layout.BigNExtents, 1UL << 40);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/vmlinuz-6.1.0-pvboot"u8), "xfs_dinode", "di_big_nextents", inode + XfsDinode.Layout.BigNExtents);
        Assert.That(reader.Warnings, Is.Empty, "the recomputed CRC matches");
    }

    [TestCase(1000)]
    [TestCase(0)]
    public void F2_BmbtRootNumrecsZeroOrBeyondTheFork_IsRefused(int numrecs)
    {
        XfsPatch image = XfsPatch.Copy("xfs-frag", "f2-numrecs");
        long inode = image.InodeOffset("/frag50");
        long fork = inode + image.CoreSize;
        image.WriteU16(fork + XfsBmdrBlock.Layout.NumRecs, (ushort)numrecs);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        FileSystemEntry file = XfsImages.Lookup(reader, "/frag50");
        AssertRefused(() => reader.Read(file, 0, new byte[4096]), "xfs_bmdr_block", "bb_numrecs", fork + XfsBmdrBlock.Layout.NumRecs);
    }

    // ---- F3 bmbt cycle and levels ----

    [Test]
    public void F3_BmbtNodeWhoseChildIsItself_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-frag", "f3-self");
        (long node, ulong nodeFsb, long nodePointer) = LevelOneNode(image);
        image.WriteU64(nodePointer, nodeFsb);
        image.UpdateCrc(node, (int)image.Superblock.BlockSize, XfsBtreeBlock.Layout.LongCrc);

        IFileSystemReader reader = image.Open();
        FileSystemEntry file = XfsImages.Lookup(reader, "/frag50");
        AssertRefused(() => XfsImages.ReadAll(reader, file), "xfs_bmbt_ptr", "ptr", nodePointer);
        Assert.That(reader.Warnings, Is.Empty);
    }

    [Test]
    public void F3_BmbtLevelThatDoesNotDropByOne_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-frag", "f3-level");
        (long node, _, _) = LevelOneNode(image);
        image.WriteU16(node + XfsBtreeBlock.Layout.Level, 2);
        image.UpdateCrc(node, (int)image.Superblock.BlockSize, XfsBtreeBlock.Layout.LongCrc);

        IFileSystemReader reader = image.Open();
        FileSystemEntry file = XfsImages.Lookup(reader, "/frag50");
        AssertRefused(() => reader.Read(file, 0, new byte[4096]), "xfs_btree_block", "bb_level", node + XfsBtreeBlock.Layout.Level);
    }

    // ---- F4 directory entries ----

    [TestCase("xfs-v5")]
    [TestCase("xfs-v4")]
    [TestCase("xfs-v4-noftype")]
    public void F4_LastDataEntryNamelenCrossesTheBlock_IsRefused(string fixture)
    {
        // The first data block of the node directory is full, so a 255-byte name in its last entry crosses the end.
        XfsPatch image = XfsPatch.Copy(fixture, "f4-namelen");
        long block = image.FirstBlockOffset("/nodedir");
        int size = (int)image.Superblock.BlockSize;
        byte[] bytes = image.Read(block, size);
        int header = image.Superblock.IsV5 ? XfsDir3DataHdr.Size : XfsDir2DataHdr.Size;
        int last = -1;
        for (int at = header; at < size;)
        {
            XfsDir2DataEntry entry = XfsDir2DataEntry.Parse(bytes, at, size, block, "test", image.Superblock.HasFType);
            last = entry.IsFree ? last : at;
            at += entry.Length;
        }

        Assert.That(last + 9 + 255 + 2, Is.GreaterThan(size), "the last entry is close enough to the end");
        long namelen = block + last + XfsDir2DataEntry.Layout.NameLen;
        image.WriteU8(namelen, 255);
        if (image.Superblock.IsV5)
        {
            image.UpdateCrc(block, size, XfsDir3DataHdr.Layout.Crc);
        }

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/nodedir/no-such-name"u8), "xfs_dir2_data_entry", "namelen", namelen);
        Assert.That(reader.Warnings, Is.Empty);
    }

    [TestCase(4)]
    [TestCase(2)]
    public void F4_ShortformCountDisagreesWithDiSize_IsRefused(int count)
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f4-count");
        long inode = image.InodeOffset("/sf");
        long fork = inode + image.CoreSize;
        image.WriteU8(fork + XfsDir2SfHdr.Layout.Count, (byte)count);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/sf/zzz"u8), "xfs_dir2_sf_hdr", "count", fork + XfsDir2SfHdr.Layout.Count);
    }

    [Test]
    public void F4_ShortformI8countDisagreesWithTheInodeNumbers_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "f4-i8count");
        long inode = image.InodeOffset("/sf");
        long fork = inode + image.CoreSize;
        // Two 4-byte inode numbers become one 8-byte number: count and i8count now disagree with di_size.
        image.WriteU8(fork + XfsDir2SfHdr.Layout.I8Count, 1);

        IFileSystemReader reader = image.Open();
        var error = AssertRefused(() => reader.Lookup("/sf/zzz"u8), "xfs_dir2_sf_hdr", null, -1);
        Assert.That(error.Field, Is.AnyOf("count", "i8count"));
        Assert.That(error.Offset, Is.EqualTo(fork + (error.Field == "count" ? XfsDir2SfHdr.Layout.Count : XfsDir2SfHdr.Layout.I8Count)));
    }

    // ---- F5 format/mode ----

    [Test]
    public void F5_ShortformDirectoryWithBtreeFormat_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f5-format");
        long inode = image.InodeOffset("/sf");
        image.WriteU8(inode + XfsDinode.Layout.Format, XfsDinode.FormatBtree);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/sf/a"u8), "xfs_bmdr_block", "bb_level", inode + image.CoreSize + XfsBmdrBlock.Layout.Level);
    }

    [Test]
    public void F5_ShortformDirectoryWithRegularMode_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f5-mode");
        long inode = image.InodeOffset("/sf");
        image.WriteU16(inode + XfsDinode.Layout.Mode, 0x81A4);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/sf"u8), "xfs_dinode", "di_format", inode + XfsDinode.Layout.Format);
    }

    [Test]
    public void F5_RegularFileWithDirectoryMode_IsRefusedAtItsFirstBlock()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f5-dirmode");
        long inode = image.InodeOffset("/boot/vmlinuz-6.1.0-pvboot");
        image.WriteU16(inode + XfsDinode.Layout.Mode, 0x41ED);
        image.UpdateInodeCrc(inode);
        long block = image.FirstBlockOffset("/boot/vmlinuz-6.1.0-pvboot");

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/vmlinuz-6.1.0-pvboot/x"u8), "xfs_dir3_data_hdr", "magic", block + XfsDir3DataHdr.Layout.Magic);
    }

    [Test]
    public void F5_SizeOfMinusOne_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f5-size");
        long inode = image.InodeOffset("/boot/vmlinuz-6.1.0-pvboot");
        image.WriteU64(inode + XfsDinode.Layout.Size, ulong.MaxValue);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/vmlinuz-6.1.0-pvboot"u8), "xfs_dinode", "di_size", inode + XfsDinode.Layout.Size);
        Assert.That(reader.Warnings, Is.Empty);
    }

    // ---- F6 symlinks ----

    [Test]
    public void F6_LocalSymlinkLongerThanItsFork_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "f6-local");
        long inode = image.InodeOffset("/boot/vmlinuz");
        image.WriteU64(inode + XfsDinode.Layout.Size, 400);
        image.UpdateInodeCrc(inode);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/vmlinuz"u8), "xfs_dinode", "di_size", inode + XfsDinode.Layout.Size);
    }

    [Test]
    public void F6_RemoteSymlinkOver1024Bytes_IsRefused()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "f6-remote");
        long inode = image.InodeOffset("/boot/remote-link");
        image.WriteU64(inode + XfsDinode.Layout.Size, 2000);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/remote-link"u8), "xfs_dinode", "di_size", inode + XfsDinode.Layout.Size);
    }

    [Test]
    public void F6_RemoteSymlinkWithoutHeader_AsMkfsProtofileWritesIt_IsRefused()
    {
        // xfsprogs 6.1's protofile code writes v5 remote symlink targets without the xfs_dsymlink_hdr; xfs_db agrees
        // the block is corrupt, and so must PvBoot.
        string db = XfsImages.XfsDb(Fixtures.Image("xfs-v5"), "path /boot/remote-link", "dblock 0", "type symlink", "p");
        Assert.That(db, Does.Contain("(bad)"));
        var image = XfsPatch.Copy("xfs-v5", "f6-proto");
        long block = image.FirstBlockOffset("/boot/remote-link");

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/remote-link"u8), "xfs_dsymlink_hdr", "sl_magic", block + XfsDsymlinkHdr.Layout.Magic);
        Assert.That(reader.Warnings, Has.Some.Contains("sl_crc"));
    }

    // ---- CRC: reported, fields still validated ----

    [Test]
    public void Crc_StaleInodeChecksum_IsWarnedAndTheFieldsStillValidated()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "crc-inode");
        long inode = image.InodeOffset("/boot/vmlinuz-6.1.0-pvboot");
        image.WriteU64(inode + XfsDinode.Layout.Size, ulong.MaxValue);

        IFileSystemReader reader = image.Open();
        AssertRefused(() => reader.Lookup("/boot/vmlinuz-6.1.0-pvboot"u8), "xfs_dinode", "di_size", inode + XfsDinode.Layout.Size);
        Assert.That(reader.Warnings, Has.Some.Contains("di_crc").And.Contains(inode.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Crc_StaleSuperblockChecksum_IsWarnedAndTheImageStillReads()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "crc-sb");
        image.Write(XfsDsb.Layout.FName, "patched"u8);

        IFileSystemReader reader = image.Open();
        Assert.That(reader.Label, Is.EqualTo("patchedv5"));
        Assert.That(reader.Warnings, Has.Some.Contains("sb_crc"));
        Assert.That(XfsImages.ReadAll(reader, "/boot/grub2/grub.cfg"), Is.Not.Empty);
    }

    [Test]
    public void Crc_StaleDirectoryBlockChecksum_IsWarned()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v5", "crc-dir");
        long block = image.FirstBlockOffset("/blockdir");
        byte[] bytes = image.Read(block, (int)image.Superblock.BlockSize);
        int at = Encoding.ASCII.GetString(bytes).IndexOf("file-07", StringComparison.Ordinal);
        image.Write(block + at, "FILE-07"u8);

        IFileSystemReader reader = image.Open();
        Assert.That(reader.Lookup("/blockdir/FILE-07"u8), Is.Not.Null);
        Assert.That(reader.Warnings, Has.Some.Contains("xfs_dir3_data_hdr").And.Contains(block.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    // ---- G1–G6 ----

    [TestCase("/loops/self")]
    [TestCase("/loops/a")]
    [TestCase("/loops/chain1")]
    public void G1_SymlinkLoopsAndLongChains_AreRefused(string path)
    {
        IFileSystemReader reader = XfsImages.Open("xfs-v5");
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<CorruptImageException>(() => reader.Lookup(Encoding.ASCII.GetBytes(path)));

        Assert.That(error!.Structure, Is.EqualTo("symlink"));
        Assert.That(stopwatch.Elapsed, Is.LessThan(Bound));
    }

    [Test]
    public void G1_FortyChainedLinks_AreFollowed()
    {
        IFileSystemReader reader = XfsImages.Open("xfs-v5");

        Assert.That(Encoding.ASCII.GetString(XfsImages.ReadAll(reader, "/loops/chain2")), Does.StartWith("root:image-shadow-not-the-host"));
    }

    [TestCase("/boot/../../../../etc/shadow")]
    [TestCase("/boot/escape")]
    public void G2_EscapesResolveInsideTheImage(string path)
    {
        IFileSystemReader reader = XfsImages.Open("xfs-v5");

        FileSystemEntry entry = XfsImages.Lookup(reader, path);

        Assert.That(entry.DisplayPath, Is.EqualTo("/etc/shadow"));
        Assert.That(Encoding.ASCII.GetString(XfsImages.ReadAll(reader, entry)), Does.StartWith("root:image-shadow-not-the-host"));
    }

    [TestCase("/specials/fifo", FileSystemEntryType.Fifo)]
    [TestCase("/specials/null", FileSystemEntryType.CharacterDevice)]
    [TestCase("/g3/kernel-fifo", FileSystemEntryType.Fifo)]
    [TestCase("/g3/vmlinuz-dir", FileSystemEntryType.Directory)]
    public void G3_NonRegularFiles_AreNotRegular_AndCannotBeCopied(string path, FileSystemEntryType type)
    {
        IFileSystemReader reader = XfsImages.Open("xfs-v4");

        FileSystemEntry entry = XfsImages.Lookup(reader, path);

        Assert.That(entry.Type, Is.EqualTo(type));
        Assert.Throws<ArgumentException>(() => reader.CopyTo(entry, Stream.Null));
    }

    [Test]
    public void G4_DirectoryEntryPointingAtAnAncestor_IsBoundedByThePathCaps()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "g4-cycle");
        long inode = image.InodeOffset("/sf");
        long fork = inode + image.CoreSize;
        // Entry "a" is the first: header (6) + namelen, offset, name "a", ftype, then the 4-byte inode number.
        long inumber = fork + XfsDir2SfHdr.Size + XfsDir2SfEntry.Size + 1 + 1;
        image.WriteU32(inumber, (uint)image.Superblock.RootIno);
        IFileSystemReader reader = image.Open();

        FileSystemEntry deep = XfsImages.Lookup(reader, string.Concat(Enumerable.Repeat("/sf/a", 50)) + "/etc/shadow");
        string endless = string.Concat(Enumerable.Repeat("/sf/a", 2100));
        var stopwatch = Stopwatch.StartNew();
        var error = Assert.Throws<CorruptImageException>(() => reader.Lookup(Encoding.ASCII.GetBytes(endless)));

        Assert.That(deep.Size, Is.GreaterThan(0));
        Assert.That(error!.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
        Assert.That(stopwatch.Elapsed, Is.LessThan(Bound));
    }

    [Test]
    public void G5_HugeSparseFile_IsRefusedBeforeAnythingIsWritten()
    {
        XfsPatch image = XfsPatch.Copy("xfs-v4", "g5-sparse");
        long inode = image.InodeOffset("/empty");
        image.WriteU64(inode + XfsDinode.Layout.Size, 1UL << 40);
        IFileSystemReader reader = image.Open();
        FileSystemEntry file = XfsImages.Lookup(reader, "/empty");
        using var output = new MemoryStream();
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<CorruptImageException>(() => reader.CopyTo(file, output));
        byte[] tail = new byte[65536];
        int read = reader.Read(file, (1L << 40) - 65536, tail);

        Assert.That(error!.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
        Assert.That(output.Length, Is.Zero);
        Assert.That(read, Is.EqualTo(65536));
        Assert.That(tail.AsSpan().IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "a hole reads as zeros");
        Assert.That(stopwatch.Elapsed, Is.LessThan(Bound));
    }

    [Test]
    public void G6_MetadataIsReadOnceAndTheValidatedCopyIsUsed()
    {
        string path = Fixtures.Image("xfs-v4");
        var probe = (XfsFileSystem)XfsImages.Open("xfs-v4");
        long inode = XfsFileSystem.InodeOffsetOf(XfsImages.Lookup(probe, "/boot/vmlinuz-6.1.0-pvboot"));
        using var file = new PvBoot.Core.BlockSources.FileBlockSource(path);
        var changing = new ChangingBlockSource(file, inode + XfsDinode.Layout.Size);
        IFileSystemReader reader = XfsFileSystem.Open(changing, FileSystemBudgets.Default);

        FileSystemEntry first = XfsImages.Lookup(reader, "/boot/vmlinuz-6.1.0-pvboot");
        FileSystemEntry second = XfsImages.Lookup(reader, "/boot/vmlinuz-6.1.0-pvboot");

        Assert.That(changing.ReadsOfTheField, Is.EqualTo(1), "the inode was read once");
        Assert.That(second.Size, Is.EqualTo(first.Size).And.EqualTo(16384));
    }

    private static (long Node, ulong Fsb, long FirstPointer) LevelOneNode(XfsPatch image)
    {
        long inode = image.InodeOffset("/frag50");
        long fork = inode + image.CoreSize;
        byte forkOff = image.Read(inode + XfsDinode.Layout.ForkOff, 1)[0];
        int forkSize = forkOff != 0 ? forkOff * 8 : image.Superblock.InodeSize - image.CoreSize;
        int maxRecs = (forkSize - XfsBmdrBlock.Size) / 16;
        ulong fsb = image.ReadU64(fork + XfsBmdrBlock.Size + (maxRecs * 8));
        long node = image.FsbOffset(fsb);
        Assert.That(image.Read(node + XfsBtreeBlock.Layout.Level, 2), Is.EqualTo(new byte[] { 0, 1 }), "the root's first child is a level-1 node");
        int nodeMaxRecs = ((int)image.Superblock.BlockSize - XfsBtreeBlock.LongV5Size) / 16;
        return (node, fsb, node + XfsBtreeBlock.LongV5Size + (nodeMaxRecs * 8));
    }

    private static CorruptImageException AssertRefused(Func<object?> action, string structure, string? field, long offset)
    {
        var stopwatch = Stopwatch.StartNew();
        CorruptImageException? error = null;
        try
        {
            action();
        }
        catch (CorruptImageException e)
        {
            error = e;
        }

        stopwatch.Stop();
        Assert.That(error, Is.Not.Null, "the image was accepted");
        Assert.That(error!.Structure, Is.EqualTo(structure), error.Message);
        if (field is not null)
        {
            Assert.That(error.Field, Is.EqualTo(field), error.Message);
            Assert.That(error.Offset, Is.EqualTo(offset), error.Message);
        }

        Assert.That(error.Kind, Is.EqualTo(ImageProblem.Corrupt));
        Assert.That(stopwatch.Elapsed, Is.LessThan(Bound));
        return error;
    }

    /// <summary>A source whose bytes at one offset change after the first read (a disk still attached to a running guest).</summary>
    private sealed class ChangingBlockSource(PvBoot.Core.BlockSources.IBlockSource inner, long field) : PvBoot.Core.BlockSources.IBlockSource
    {
        public int ReadsOfTheField { get; private set; }

        public string Name => inner.Name;

        public long Length => inner.Length;

        public void ReadExactly(long offset, Span<byte> destination)
        {
            inner.ReadExactly(offset, destination);
            if (field >= offset && field < offset + destination.Length)
            {
                if (ReadsOfTheField++ > 0)
                {
                    destination[(int)(field - offset)..].Fill(0xFF);
                }
            }
        }
    }
}
