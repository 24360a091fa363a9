using System.Buffers.Binary;
using System.Diagnostics;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>
/// The bad-input classes of hostile-input.md §4 (X1–X8, G1–G6) for ext: each builds its image from a real mkfs
/// fixture by patching one field (debugfs sif/ssv, or bytes at the structure's offset with the checksum recomputed
/// so the validator, not the checksum, is what refuses it) and asserts structure, field and absolute offset.
/// </summary>
public class ExtMustRefuseTests
{
    private const string Kernel = "/boot/vmlinuz-6.1.0-pv";
    private const long ExtentRoot = 0x28;

    // ---- X1 depth ----------------------------------------------------------------------------------------------

    [Test]
    public void X1_ExtentRootDepthSix_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x1");
        ExtImage.Debugfs(image, $"sif {Kernel} block[1] 0x00060004", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent_header", "eh_depth", inode + ExtentRoot + 6);
    }

    [Test]
    public void X1_ChildDepthNotParentMinusOne_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-frag", "x1child");
        (_, long leaf) = FragTreeBlocks(image);
        int bs = ExtImage.BlockSize(image);
        ExtImage.WriteUInt16(image, (leaf * bs) + 6, 1);
        ExtImage.FixExtentBlockChecksum(image, "/frag.bin", leaf);

        AssertRefused(image, "/frag.bin", "ext4_extent_header", "eh_depth", (leaf * bs) + 6);
    }

    // ---- X2 entries --------------------------------------------------------------------------------------------

    [Test]
    public void X2_ExtentRootEntriesAboveMax_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x2");
        ExtImage.Debugfs(image, $"sif {Kernel} block[0] 0x0005F30A", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent_header", "eh_entries", inode + ExtentRoot + 2);
    }

    [Test]
    public void X2_ExtentRootMaxBeyondNode_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x2max");
        ExtImage.Debugfs(image, $"sif {Kernel} block[1] 0x00000005", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent_header", "eh_max", inode + ExtentRoot + 4);
    }

    [Test]
    public void X2_IndexNodeWithZeroEntries_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-frag", "x2zero");
        (long index, _) = FragTreeBlocks(image);
        int bs = ExtImage.BlockSize(image);
        ExtImage.WriteUInt16(image, (index * bs) + 2, 0);
        ExtImage.FixExtentBlockChecksum(image, "/frag.bin", index);

        AssertRefused(image, "/frag.bin", "ext4_extent_header", "eh_entries", (index * bs) + 2);
    }

    [Test]
    public void X2_ExtentHeaderBadMagic_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "magic");
        ExtImage.Debugfs(image, $"sif {Kernel} block[0] 0x0001F30B", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent_header", "eh_magic", inode + ExtentRoot);
    }

    // ---- X3 loop -----------------------------------------------------------------------------------------------

    [Test]
    public void X3_IndexPointingAtItsOwnBlock_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-frag", "x3");
        (long index, _) = FragTreeBlocks(image);
        int bs = ExtImage.BlockSize(image);
        ExtImage.WriteUInt32(image, (index * bs) + 12 + 4, (uint)index);
        ExtImage.FixExtentBlockChecksum(image, "/frag.bin", index);

        AssertRefused(image, "/frag.bin", "ext4_extent_idx", "ei_leaf_lo", (index * bs) + 12 + 4);
    }

    // ---- X4 ranges ---------------------------------------------------------------------------------------------

    [Test]
    public void X4_ExtentOfLengthZero_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x4len");
        ExtImage.Debugfs(image, $"sif {Kernel} block[4] 0", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent", "ee_len", inode + ExtentRoot + 12 + 4);
    }

    [Test]
    public void X4_ExtentPastTheEndOfTheFileSystem_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x4end");
        ExtImage.Debugfs(image, $"sif {Kernel} block[5] 0xFFFFFF00", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent", "ee_start_lo", inode + ExtentRoot + 12 + 8);
    }

    [Test]
    public void X4_ExtentLogicalRangePast2To32_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x4wrap");
        ExtImage.Debugfs(image, $"sif {Kernel} block[3] 0xFFFFFFFD", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);

        AssertRefused(image, Kernel, "ext4_extent", "ee_block", inode + ExtentRoot + 12);
    }

    [Test]
    public void X4_OverlappingExtents_AreRefused()
    {
        string image = Fixtures.WritableCopy("ext4-frag", "x4overlap");
        (_, long leaf) = FragTreeBlocks(image);
        int bs = ExtImage.BlockSize(image);
        // The second extent of the leaf starts where the first one does.
        uint firstLogical = BinaryPrimitives.ReadUInt32LittleEndian(ExtImage.ReadBytes(image, (leaf * bs) + 12, 4));
        ExtImage.WriteUInt32(image, (leaf * bs) + 24, firstLogical);
        ExtImage.FixExtentBlockChecksum(image, "/frag.bin", leaf);

        AssertRefused(image, "/frag.bin", "ext4_extent", "ee_block", (leaf * bs) + 24);
    }

    // ---- X5 directory entries ----------------------------------------------------------------------------------

    [TestCase((ushort)0, TestName = "X5_DirentRecLenZero_IsRefused")]
    [TestCase((ushort)4, TestName = "X5_DirentRecLenBelow12_IsRefused")]
    [TestCase((ushort)13, TestName = "X5_DirentRecLenNotAligned_IsRefused")]
    [TestCase((ushort)4092, TestName = "X5_DirentCrossingTheBlock_IsRefused")]
    public void X5_DirentRecLen(ushort recLen)
    {
        string image = Fixtures.WritableCopy("ext4-default", $"x5-{recLen}");
        long dirent = ExtImage.DirentOffset(image, "/etc", "hostname");
        ExtImage.WriteUInt16(image, dirent + 4, recLen);
        FixDirBlock(image, "/etc", dirent);

        AssertRefused(image, "/etc/zz-not-there", "ext4_dir_entry_2", "rec_len", dirent + 4, lookupOnly: true);
    }

    [Test]
    public void X5_DirentNameLongerThanRecord_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x5name");
        long dirent = ExtImage.DirentOffset(image, "/etc", "hostname");
        ExtImage.WriteBytes(image, dirent + 6, [255]);
        FixDirBlock(image, "/etc", dirent);

        AssertRefused(image, "/etc/zz-not-there", "ext4_dir_entry_2", "name_len", dirent + 6, lookupOnly: true);
    }

    [Test]
    public void X5_InlineDirectoryUnderMinimumSize_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-inline", "x5inline");
        ExtImage.Debugfs(image, "sif /boot/extlinux size 6", write: true);
        long inode = ExtImage.InodeOffset(image, "/boot/extlinux");

        AssertRefused(image, "/boot/extlinux/extlinux.conf", "ext4_inode", "i_size_lo", inode + 4, lookupOnly: true);
    }

    // ---- X6 symlinks -------------------------------------------------------------------------------------------

    [Test]
    public void X6_SlowSymlinkClaimingFFFFFFFFBytes_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x6");
        ExtImage.Debugfs(image, "sif /etc/long-link-to-grub.cfg size 0xFFFFFFFF", write: true);
        long inode = ExtImage.InodeOffset(image, "/etc/long-link-to-grub.cfg");

        AssertRefused(image, "/etc/long-link-to-grub.cfg", "ext4_inode", "i_size_lo", inode + 4, lookupOnly: true);
    }

    [Test]
    public void X6_FastSymlinkWithSizeAboveSixty_IsRefused()
    {
        // With i_size 100 the target no longer fits i_block, so the text is read as block pointers, which point nowhere.
        string image = Fixtures.WritableCopy("ext4-default", "x6fast");
        ExtImage.Debugfs(image, "sif /vmlinuz size 100", write: true);
        long inode = ExtImage.InodeOffset(image, "/vmlinuz");

        AssertRefused(image, "/vmlinuz", "ext4_inode", "i_block", inode + ExtentRoot, lookupOnly: true);
    }

    // ---- X7 geometry -------------------------------------------------------------------------------------------

    [TestCase("ext4-default", 0x18, 0xFFFFFFF7u, 4, "s_log_block_size", TestName = "X7_LogBlockSizeAbsurd_IsRefused")]
    [TestCase("ext4-default", 0x58, 8192u, 2, "s_inode_size", TestName = "X7_InodeSizeAboveBlockSize_IsRefused")]
    [TestCase("ext4-default", 0xFE, 0u, 2, "s_desc_size", TestName = "X7_DescSizeZeroWith64Bit_IsRefused")]
    [TestCase("ext4-metabg", 0xFE, 2048u, 2, "s_desc_size", TestName = "X7_MetaBgDescriptorLargerThanBlock_IsRefused")]
    [TestCase("ext4-default", 0x28, 0u, 4, "s_inodes_per_group", TestName = "X7_InodesPerGroupZero_IsRefused")]
    [TestCase("ext4-default", 0x20, 0u, 4, "s_blocks_per_group", TestName = "X7_BlocksPerGroupZero_IsRefused")]
    [TestCase("ext4-default", 0x04, 0x7FFFFFFFu, 4, "s_blocks_count_lo", TestName = "X7_BlocksCountBeyondImage_IsRefused")]
    public void X7_SuperblockGeometry(string fixture, int field, uint value, int width, string fieldName)
    {
        string image = Fixtures.WritableCopy(fixture, "x7");
        if (width == 2)
        {
            ExtImage.WriteUInt16(image, 1024 + field, (ushort)value);
        }
        else
        {
            ExtImage.WriteUInt32(image, 1024 + field, value);
        }

        ExtImage.FixSuperblockChecksum(image);
        CorruptImageException error = AssertOpenRefused(image);
        Assert.That((error.Structure, error.Field, error.Offset), Is.EqualTo(("ext4_super_block", fieldName, 1024L + field)));
    }

    [Test]
    public void X7_UnknownIncompatibleFeature_IsRefusedAsUnsupported()
    {
        string image = Fixtures.WritableCopy("ext4-default", "incompat");
        uint incompat = BinaryPrimitives.ReadUInt32LittleEndian(ExtImage.ReadBytes(image, 1024 + 0x60, 4));
        ExtImage.WriteUInt32(image, 1024 + 0x60, incompat | 0x80000000u);
        ExtImage.FixSuperblockChecksum(image);

        CorruptImageException error = AssertOpenRefused(image);
        Assert.That((error.Structure, error.Field, error.Offset, error.Kind), Is.EqualTo(("ext4_super_block", "s_feature_incompat", 1024L + 0x60, ImageProblem.Unsupported)));
        Assert.That(error.Problem, Does.Contain("unknown 0x80000000"));
    }

    [Test]
    public void X7_Bigalloc_IsRefusedAsUnsupportedNamingTheFeature()
    {
        string image = Path.Combine(Fixtures.WorkDirectory, $"bigalloc-{Guid.NewGuid():N}.img");
        ToolResult mkfs = Tool.Run("mkfs.ext4", ["-q", "-F", "-O", "bigalloc", "-C", "16384", image, "32M"]);
        Assert.That(mkfs.ExitCode, Is.Zero, mkfs.Stderr);

        CorruptImageException error = AssertOpenRefused(image);
        Assert.That((error.Structure, error.Field, error.Offset, error.Kind), Is.EqualTo(("ext4_super_block", "s_feature_ro_compat", 1024L + 0x64, ImageProblem.Unsupported)));
        Assert.That(error.Problem, Does.Contain("bigalloc"));
    }

    [Test]
    public void X7_StaleSuperblockChecksum_IsAWarningAndTheFieldsAreStillValidated()
    {
        // Stale variant of the same patch: the label changes, the checksum does not.
        string image = Fixtures.WritableCopy("ext4-default", "stale");
        ExtImage.WriteBytes(image, 1024 + 0x78, "tampered"u8);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(fs.Label, Is.EqualTo("tamperedoot"));
            Assert.That(fs.Warnings.Single(), Does.Contain("s_checksum"));
        }

        // With the checksum stale AND a bad field, the field is still refused.
        ExtImage.WriteUInt32(image, 1024 + 0x28, 0);
        CorruptImageException error = AssertOpenRefused(image);
        Assert.That(error.Field, Is.EqualTo("s_inodes_per_group"));
    }

    // ---- X8 inode references -----------------------------------------------------------------------------------

    [TestCase(0x7FFFFFFFu, TestName = "X8_DirentInodeAboveInodesCount_IsRefused")]
    [TestCase(0x8000000Bu, TestName = "X8_DirentInodeWithBit31Set_IsRefused")]
    public void X8_DirentInode(uint inodeNumber)
    {
        string image = Fixtures.WritableCopy("ext4-default", "x8");
        long dirent = ExtImage.DirentOffset(image, "/etc", "hostname");
        ExtImage.WriteUInt32(image, dirent, inodeNumber);
        FixDirBlock(image, "/etc", dirent);

        AssertRefused(image, "/etc/hostname", "ext4_dir_entry_2", "inode", dirent, lookupOnly: true);
    }

    [Test]
    public void X8_InodeNumberZero_AsInlineDirectoryParent_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-inline", "x8zero");
        ExtImage.Debugfs(image, "sif /boot/extlinux block[0] 0", write: true);
        long inode = ExtImage.InodeOffset(image, "/boot/extlinux");

        AssertRefused(image, "/boot/extlinux/extlinux.conf", "ext4_inode", "i_block", inode + ExtentRoot, lookupOnly: true);
    }

    [Test]
    public void X8_DirentWithInodeZero_IsAnUnusedRecordNotAFile()
    {
        // inode 0 marks a deleted record (Linux and e2fsck skip it): the name is simply not there.
        string image = Fixtures.WritableCopy("ext4-default", "x8del");
        long dirent = ExtImage.DirentOffset(image, "/etc", "hostname");
        ExtImage.WriteUInt32(image, dirent, 0);
        FixDirBlock(image, "/etc", dirent);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(fs.Lookup("/etc/hostname"u8), Is.Null);
            Assert.That(fs.Warnings, Is.Empty);
        }
    }

    [Test]
    public void X8_BootPointingAtARegularFile_IsNotADirectory()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x8boot");
        long hostname = ExtImage.DirentOffset(image, "/etc", "hostname");
        uint fileInode = BinaryPrimitives.ReadUInt32LittleEndian(ExtImage.ReadBytes(image, hostname, 4));
        long boot = ExtImage.DirentOffset(image, "/", "boot");
        ExtImage.WriteUInt32(image, boot, fileInode);
        FixDirBlock(image, "/", boot);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(fs.Lookup("/boot/grub/grub.cfg"u8), Is.Null);
            Assert.That(ExtImage.Lookup(fs, "/boot").Type, Is.EqualTo(FileSystemEntryType.Regular));
        }
    }

    [Test]
    public void X8_InodeTablePastTheEnd_IsRefused()
    {
        string image = Fixtures.WritableCopy("ext4-default", "x8table");
        int bs = ExtImage.BlockSize(image);
        long desc = bs; // group 0's descriptor opens the block after the superblock's block
        ExtImage.WriteUInt32(image, desc + 8, 0xFFFFFF00);
        FixGroupDescriptor(image, desc, 0);

        CorruptImageException error = AssertOpenRefused(image);
        Assert.That((error.Structure, error.Field, error.Offset), Is.EqualTo(("ext4_group_desc", "bg_inode_table_lo", desc + 8)));
    }

    // ---- G1–G6 -------------------------------------------------------------------------------------------------

    [Test]
    public void G1_SymlinkLoops_AreRefusedAfterTheHopLimit()
    {
        string image = Fixtures.WritableCopy("ext4-default", "g1");
        var commands = new List<string> { "symlink /boot/self self", "symlink /boot/a b", "symlink /boot/b a" };
        for (int i = 0; i < 41; i++)
        {
            commands.Add($"symlink /boot/chain{i} chain{i + 1}");
        }

        commands.Add("symlink /boot/chain41 vmlinuz-6.1.0-pv");
        string script = Path.Combine(Fixtures.WorkDirectory, $"g1-{Guid.NewGuid():N}.debugfs");
        File.WriteAllLines(script, commands);
        Assert.That(Tool.Run("debugfs", ["-w", "-f", script, image]).ExitCode, Is.Zero);

        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            foreach (string path in new[] { "/boot/self", "/boot/a", "/boot/chain0", "/boot/chain1" })
            {
                var watch = Stopwatch.StartNew();
                var error = Assert.Throws<CorruptImageException>(() => fs.Lookup(System.Text.Encoding.UTF8.GetBytes(path)))!;
                Assert.That((error.Structure, error.Field), Is.EqualTo(("symlink", "target")), path);
                Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            }

            // 41 links (chain1 … chain41) are refused above; 40 (chain2 … chain41) are allowed, as in Linux.
            Assert.That(ExtImage.Lookup(fs, "/boot/chain2").Type, Is.EqualTo(FileSystemEntryType.Regular));
        }
    }

    [Test]
    public void G2_EscapesStayInsideTheImage()
    {
        string image = Fixtures.WritableCopy("ext4-default", "g2");
        ExtImage.Debugfs(image, "symlink /boot/initrd-abs /etc/hostname", write: true);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            FileSystemEntry climbed = ExtImage.Lookup(fs, "/boot/../../../../etc/hostname");
            FileSystemEntry absolute = ExtImage.Lookup(fs, "/boot/initrd-abs");
            Assert.That(System.Text.Encoding.UTF8.GetString(climbed.Path.Span), Is.EqualTo("/etc/hostname"));
            Assert.That(System.Text.Encoding.UTF8.GetString(absolute.Path.Span), Is.EqualTo("/etc/hostname"));
            Assert.That(ExtImage.Sha256Of(fs, absolute), Is.EqualTo(Fixtures.Sha256("hello\n"u8)));
        }
    }

    [TestCase("/boot", FileSystemEntryType.Directory, TestName = "G3_KernelThatIsADirectory_IsRefused")]
    [TestCase("/dev/fifo", FileSystemEntryType.Fifo, TestName = "G3_KernelThatIsAFifo_IsRefused")]
    [TestCase("/dev/null", FileSystemEntryType.CharacterDevice, TestName = "G3_KernelThatIsACharacterDevice_IsRefused")]
    [TestCase("/dev/loop0", FileSystemEntryType.BlockDevice, TestName = "G3_KernelThatIsABlockDevice_IsRefused")]
    public void G3_NonRegularKernel(string path, FileSystemEntryType type)
    {
        string image = Fixtures.Image("ext4-default");
        long inode = ExtImage.InodeOffset(image, path);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            FileSystemEntry entry = ExtImage.Lookup(fs, path);
            Assert.That(entry.Type, Is.EqualTo(type));
            using var output = new MemoryStream();
            var error = Assert.Throws<CorruptImageException>(() => fs.CopyTo(entry, output))!;
            Assert.That((error.Structure, error.Field, error.Offset), Is.EqualTo(("ext4_inode", "i_mode", inode)));
            Assert.That(output.Length, Is.Zero);
        }
    }

    [Test]
    public void G4_DirectoryCycle_IsCutByThePathComponentCap()
    {
        string image = Fixtures.WritableCopy("ext4-default", "g4");
        long grub = ExtImage.DirentOffset(image, "/boot", "grub");
        ExtImage.WriteUInt32(image, grub, 2); // /boot/grub → the root directory
        FixDirBlock(image, "/boot", grub);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(ExtImage.Lookup(fs, "/boot/grub/boot/grub/etc/hostname").Type, Is.EqualTo(FileSystemEntryType.Regular));

            // Walking round the cycle is bounded by the path length cap: the longest legal path resolves quickly,
            // one repetition more is refused.
            var watch = Stopwatch.StartNew();
            string longest = string.Concat(Enumerable.Repeat("/boot/grub", 408)) + "/etc/hostname";
            Assert.That(ExtImage.Lookup(fs, longest).Type, Is.EqualTo(FileSystemEntryType.Regular));
            string tooLong = string.Concat(Enumerable.Repeat("/boot/grub", 410)) + "/etc/hostname";
            var error = Assert.Throws<CorruptImageException>(() => fs.Lookup(System.Text.Encoding.UTF8.GetBytes(tooLong)))!;
            Assert.That(error.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        }
    }

    [Test]
    public void G5_OneTebibyteSparseKernel_IsRefusedBeforeWriting()
    {
        string image = Fixtures.WritableCopy("ext4-default", "g5");
        ExtImage.Debugfs(image, $"sif {Kernel} size 0x10000000000", write: true);
        long inode = ExtImage.InodeOffset(image, Kernel);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            FileSystemEntry kernel = ExtImage.Lookup(fs, Kernel);
            Assert.That(kernel.Size, Is.EqualTo(1L << 40));
            using var output = new MemoryStream();
            var watch = Stopwatch.StartNew();
            var error = Assert.Throws<CorruptImageException>(() => fs.CopyTo(kernel, output))!;
            Assert.That((error.Structure, error.Field, error.Offset, error.Kind), Is.EqualTo(("ext4_inode", "i_size_lo", inode + 4, ImageProblem.LimitExceeded)));
            Assert.That(output.Length, Is.Zero);
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));

            // Positional reads far into the hole are zeros and cost no time.
            byte[] far = new byte[4096];
            Array.Fill(far, (byte)0xAA);
            Assert.That(fs.Read(kernel, (1L << 40) - 4096, far), Is.EqualTo(4096));
            Assert.That(far, Is.All.Zero);
        }
    }

    [Test]
    public void G5_OutputCapIsConfigurable()
    {
        string image = Fixtures.Image("ext4-default");
        (var source, var fs) = ExtImage.Open(image, FileSystemBudgets.Default with { MaxFileBytes = 1_000_000 });
        using (source)
        {
            using var output = new MemoryStream();
            var error = Assert.Throws<CorruptImageException>(() => fs.CopyTo(ExtImage.Lookup(fs, "/boot/initrd.img-6.1.0-pv"), output))!;
            Assert.That(error.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
            Assert.That(output.Length, Is.Zero);
            fs.CopyTo(ExtImage.Lookup(fs, Kernel), output);
            Assert.That(output.Length, Is.EqualTo(24000));
        }
    }

    [Test]
    public void G6_MetadataBlocksAreReadOnceAndServedFromTheCache()
    {
        string image = Fixtures.Image("ext4-default");
        using var file = new PvBoot.Core.BlockSources.FileBlockSource(image);
        var counting = new Common.RecordingBlockSource(file);
        var fs = PvBoot.FileSystems.Ext.ExtFileSystem.Open(counting, FileSystemBudgets.Default);
        for (int i = 0; i < 3; i++)
        {
            fs.ListDirectory(ExtImage.Lookup(fs, "/many"));
            fs.Lookup("/boot/grub/menu.lst"u8);
        }

        int bs = ExtImage.BlockSize(image);
        var repeated = counting.Reads.Where(r => r.Length == bs).GroupBy(r => r.Offset).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.That(repeated, Is.Empty, "a metadata block was fetched twice");
    }

    // ---- stale-checksum variants and short images ---------------------------------------------------------------

    [Test]
    public void StaleChecksumVariants_AreRefusedByTheSameValidation()
    {
        // The same patches as X2, X3 and X5 with the checksums left stale: the mismatch is only a warning, so the
        // field validation still refuses them with the same structure, field and offset.
        string x2 = Fixtures.WritableCopy("ext4-default", "x2stale");
        long inode = ExtImage.InodeOffset(x2, Kernel);
        ExtImage.WriteUInt16(x2, inode + ExtentRoot + 2, 5);
        AssertRefused(x2, Kernel, "ext4_extent_header", "eh_entries", inode + ExtentRoot + 2);

        string x3 = Fixtures.WritableCopy("ext4-frag", "x3stale");
        (long index, _) = FragTreeBlocks(x3);
        ExtImage.WriteUInt32(x3, (index * 4096) + 12 + 4, (uint)index);
        AssertRefused(x3, "/frag.bin", "ext4_extent_idx", "ei_leaf_lo", (index * 4096) + 12 + 4);

        string x5 = Fixtures.WritableCopy("ext4-default", "x5stale");
        long dirent = ExtImage.DirentOffset(x5, "/etc", "hostname");
        ExtImage.WriteUInt16(x5, dirent + 4, 0);
        AssertRefused(x5, "/etc/zz-not-there", "ext4_dir_entry_2", "rec_len", dirent + 4, lookupOnly: true);
    }

    [TestCase(1500L, "ext4_super_block", "offset", 1024L, TestName = "P5_ImageCutMidSuperblock_IsRefused")]
    [TestCase(600_000L, "ext4_super_block", "s_blocks_count_lo", 1028L, TestName = "P5_ImageCutMidInodeTable_IsRefused")]
    public void P5_TruncatedImage(long length, string structure, string field, long offset)
    {
        string image = Fixtures.WritableCopy("ext4-default", "short");
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(length);
        }

        CorruptImageException error = AssertOpenRefused(image);
        Assert.That((error.Structure, error.Field, error.Offset), Is.EqualTo((structure, field, offset)));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static (long Index, long Leaf) FragTreeBlocks(string image)
    {
        // "ex" lists the tree: level 1 lines are index entries pointing at leaves, the level 0 line's Physical is the index node.
        string text = ExtImage.Debugfs(image, "ex /frag.bin");
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string root = lines.First(l => l.TrimStart().StartsWith("0/ 2", StringComparison.Ordinal));
        string level1 = lines.First(l => l.TrimStart().StartsWith("1/ 2", StringComparison.Ordinal));
        return (PhysicalOf(root), PhysicalOf(level1));

        static long PhysicalOf(string line)
        {
            // " 0/ 2   1/  1     0 - 12799  3874          12800"
            string[] f = line.Replace(" - ", "-", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(f[^2], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static void FixDirBlock(string image, string directory, long direntOffset)
    {
        int bs = ExtImage.BlockSize(image);
        ExtImage.FixDirBlockChecksum(image, directory, direntOffset / bs);
    }

    private static void FixGroupDescriptor(string image, long descOffset, uint group)
    {
        byte[] sb = ExtImage.ReadBytes(image, 1024, 1024);
        int descSize = BinaryPrimitives.ReadUInt16LittleEndian(sb.AsSpan(0xFE));
        byte[] desc = ExtImage.ReadBytes(image, descOffset, descSize);
        uint crc = PvBoot.FileSystems.Common.Crc32C.Append(~0u, sb.AsSpan(0x68, 16));
        byte[] le = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(le, group);
        crc = PvBoot.FileSystems.Common.Crc32C.Append(crc, le);
        crc = PvBoot.FileSystems.Common.Crc32C.Append(crc, desc.AsSpan(0, 0x1E));
        crc = PvBoot.FileSystems.Common.Crc32C.Append(crc, [0, 0]);
        crc = PvBoot.FileSystems.Common.Crc32C.Append(crc, desc.AsSpan(0x20));
        ExtImage.WriteUInt16(image, descOffset + 0x1E, (ushort)crc);
    }

    private static CorruptImageException AssertOpenRefused(string image)
    {
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<CorruptImageException>(() => ExtImage.Open(image).Source.Dispose())!;
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(error.SourceName, Is.EqualTo(image));
        return error;
    }

    /// <summary>Opens the image, looks up (and unless <paramref name="lookupOnly"/>, reads) the path; asserts the refusal's location.</summary>
    private static void AssertRefused(string image, string path, string structure, string field, long offset, bool lookupOnly = false)
    {
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            var watch = Stopwatch.StartNew();
            var error = Assert.Throws<CorruptImageException>(() =>
            {
                FileSystemEntry? entry = fs.Lookup(System.Text.Encoding.UTF8.GetBytes(path));
                if (!lookupOnly && entry is not null)
                {
                    fs.CopyTo(entry, Stream.Null);
                }
                else if (entry is { Type: FileSystemEntryType.Directory })
                {
                    fs.ListDirectory(entry);
                }
            })!;
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That((error.SourceName, error.Structure, error.Field, error.Offset), Is.EqualTo((image, structure, field, offset)), error.Message);
            Assert.That(error.Kind, Is.EqualTo(ImageProblem.Corrupt));
        }
    }
}
