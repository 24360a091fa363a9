using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>What the ext fixtures exercise, asserted against the fixture script's inputs and debugfs.</summary>
public class ExtReaderTests
{
    [Test]
    public void Probe_OpensExtFirstAndReportsTypeUuidAndLabel()
    {
        Assert.That(FileSystemProbes.All[0].Name, Is.EqualTo("ext2"));
        using var source = new FileBlockSource(Fixtures.Image("ext4-default"));
        IFileSystemReader? fs = FileSystemProbes.TryOpen(source);
        Assert.That(fs, Is.Not.Null);
        Assert.That(fs!.FileSystemType, Is.EqualTo("ext2"));
        Assert.That(fs.Uuid, Is.EqualTo("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"));
        Assert.That(fs.Label, Is.EqualTo("pvboot-root"));

        // The same as blkid, which is what GRUB's search --fs-uuid and --label compare against.
        ToolResult blkid = Tool.Run("blkid", ["-o", "export", Fixtures.Image("ext4-default")]);
        string text = Encoding.UTF8.GetString(blkid.Stdout);
        Assert.That(text, Does.Contain($"UUID={fs.Uuid}\n").And.Contain($"LABEL={fs.Label}\n"));
    }

    [Test]
    public void Probe_DoesNotMatchOtherBytes()
    {
        var source = new MemoryBlockSource(new byte[64 * 1024], "zeros");
        Assert.That(FileSystemProbes.TryOpen(source), Is.Null);
    }

    [TestCase("/vmlinuz", "boot/vmlinuz-6.1.0-pv", "/boot/vmlinuz-6.1.0-pv")]
    [TestCase("/boot/grub/menu.lst", "./grub.conf", "/boot/grub/grub.conf")]
    [TestCase("/etc/long-link-to-grub.cfg", null, "/boot/grub/grub.cfg")]
    public void Symlinks_FastAndSlow_ResolveInsideTheImage(string link, string? target, string resolved)
    {
        foreach (string name in new[] { "ext4-default", "ext3-1k", "ext2", "ext4-inline" })
        {
            string image = Fixtures.Image(name);
            (var source, var fs) = ExtImage.Open(image);
            using (source)
            {
                FileSystemEntry symlink = ExtImage.Lookup(fs, link, follow: false);
                Assert.That(symlink.Type, Is.EqualTo(FileSystemEntryType.Symlink));
                string ours = Encoding.UTF8.GetString(fs.ReadSymlinkTarget(symlink));
                if (target is not null)
                {
                    Assert.That(ours, Is.EqualTo(target), name);
                }
                else
                {
                    // The slow link's target is longer than i_block; its text is checked against debugfs below.
                    Assert.That(ours, Does.StartWith("../boot/././").And.EndWith("/grub/grub.cfg").And.Length.GreaterThan(60), name);
                }

                Assert.That(Encoding.UTF8.GetString(ExtImage.Lookup(fs, link).Path.Span), Is.EqualTo(resolved), name);
            }
        }
    }

    [Test]
    public void SlowSymlink_TargetEqualsDebugfsDump()
    {
        string image = Fixtures.Image("ext4-default");
        Assert.That(ExtImage.Debugfs(image, "stat /etc/long-link-to-grub.cfg"), Does.Contain("EXTENTS:"), "the long target lives in a block");
        string dump = Path.Combine(Fixtures.WorkDirectory, $"slow-link-{Guid.NewGuid():N}");
        ExtImage.Debugfs(image, $"dump /etc/long-link-to-grub.cfg {dump}");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(fs.ReadSymlinkTarget(ExtImage.Lookup(fs, "/etc/long-link-to-grub.cfg", follow: false)), Is.EqualTo(File.ReadAllBytes(dump)));
        }
    }

    [Test]
    public void DeviceNodesAndFifo_HaveTheirTypes()
    {
        (var source, var fs) = ExtImage.Open(Fixtures.Image("ext4-default"));
        using (source)
        {
            IReadOnlyList<DirectoryListing> dev = fs.ListDirectory(ExtImage.Lookup(fs, "/dev"));
            Assert.That(dev.ToDictionary(d => d.DisplayName, d => d.Type), Is.EquivalentTo(new Dictionary<string, FileSystemEntryType>
            {
                ["null"] = FileSystemEntryType.CharacterDevice,
                ["loop0"] = FileSystemEntryType.BlockDevice,
                ["fifo"] = FileSystemEntryType.Fifo,
            }));
            Assert.That(ExtImage.Lookup(fs, "/dev/null").Type, Is.EqualTo(FileSystemEntryType.CharacterDevice));
        }
    }

    [Test]
    public void HtreeBoot_IsIndexedAndEveryEntryIsFound()
    {
        string image = Fixtures.Image("ext4-htree");
        Assert.That(ExtImage.Debugfs(image, "htree /boot"), Does.Contain("Indirect levels"), "e2fsck -D indexed /boot");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            IReadOnlyList<DirectoryListing> boot = fs.ListDirectory(ExtImage.Lookup(fs, "/boot"));
            Assert.That(boot, Has.Count.EqualTo(5203));
            Assert.That(ExtImage.Lookup(fs, "/boot/config-6.1.0-4711-cloud-amd64").Size, Is.Zero);
            Assert.That(ExtImage.Lookup(fs, "/boot/zz-last-entry").Size, Is.EqualTo(5));
            Assert.That(fs.Lookup("/boot/config-6.1.0-5201-cloud-amd64"u8), Is.Null);
            Assert.That(fs.Warnings, Is.Empty, "leaf and dx_root/dx_node checksums verify");
        }
    }

    [Test]
    public void InlineData_SmallFilesAndExtlinuxDirectoryLiveInTheInode()
    {
        string image = Fixtures.Image("ext4-inline");
        foreach (string path in new[] { "/boot/extlinux", "/boot/extlinux/extlinux.conf", "/etc/hostname", "/etc/exactly-60.bin", "/etc/spills-into-xattr.bin" })
        {
            Assert.That(ExtImage.Debugfs(image, $"stat {path}"), Does.Contain("Size of inline data"), path);
        }

        Assert.That(ExtImage.Debugfs(image, "stat /etc/spills-into-xattr.bin"), Does.Contain("system.data (50)"), "110 bytes: 60 in i_block, 50 in system.data");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(fs.ListDirectory(ExtImage.Lookup(fs, "/boot/extlinux")).Select(d => d.DisplayName), Is.EquivalentTo(new[] { "extlinux.conf", "t" }));
            // Six names do not fit i_block: mkfs -d stores that directory in a block instead of spilling into system.data.
            Assert.That(fs.ListDirectory(ExtImage.Lookup(fs, "/etc/inline-dir-spill")).Select(d => d.DisplayName), Is.EquivalentTo(Enumerable.Range(1, 6).Select(i => $"n{i}")));
            Assert.That(Encoding.UTF8.GetString(Read(fs, "/boot/extlinux/t")), Is.EqualTo("tiny\n"));
        }
    }

    [Test]
    public void InlineData_DirectoryGrownIntoSystemDataByTheKernel_ListsEveryName()
    {
        string image = Fixtures.Image("ext4-inline-kernel");
        string stat = ExtImage.Debugfs(image, "stat /boot/extlinux");
        Assert.That(stat, Does.Contain("Size of inline data: 384").And.Contain("system.data (324)"), "60 bytes in i_block, 324 in system.data");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(fs.ListDirectory(ExtImage.Lookup(fs, "/boot/extlinux")).Select(d => d.DisplayName), Is.EquivalentTo(Enumerable.Range(1, 8).Select(i => $"f{i}.cfg")));
            Assert.That(Encoding.UTF8.GetString(Read(fs, "/boot/extlinux/f8.cfg")), Is.EqualTo("file 8\n"));
            Assert.That(fs.Warnings, Is.Empty);
        }
    }

    [Test]
    public void MetaBg_FilesInTheSecondMetaGroupAreRead()
    {
        string image = Fixtures.Image("ext4-metabg");
        byte[] sb = ExtImage.ReadBytes(image, 1024, 1024);
        uint inodesPerGroup = BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x28));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x60)) & 0x10, Is.Not.Zero, "meta_bg");
        int descriptorsPerBlock = 1024 / BinaryPrimitives.ReadUInt16LittleEndian(sb.AsSpan(0xFE));
        var late = Fixtures.Manifest("ext4-metabg")
            .Where(e => (ExtImage.InodeAndGeneration(image, e.Path).Inode - 1) / inodesPerGroup >= descriptorsPerBlock)
            .Take(3)
            .ToList();
        Assert.That(late, Is.Not.Empty, "some file's inode lies in a group described by the second meta group's descriptor block");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            foreach (ManifestEntry entry in late)
            {
                Assert.That(ExtImage.Sha256Of(fs, ExtImage.Lookup(fs, entry.Path)), Is.EqualTo(entry.Sha256));
            }
        }
    }

    [TestCase("ext4-32bit", 0x80u, 0u, TestName = "Descriptors_32Bit_WithoutThe64BitFeature")]
    [TestCase("ext4-nojournal", 0x80u, 0x80u, TestName = "NoJournal_HasNoJournalFeature")]
    [TestCase("ext3-1k", 0x40u, 0u, TestName = "Ext3_1KiB_UsesBlockMapsNotExtents")]
    public void FixtureFeatures(string name, uint incompatMask, uint expected)
    {
        byte[] sb = ExtImage.ReadBytes(Fixtures.Image(name), 1024, 1024);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x60)) & incompatMask, Is.EqualTo(expected));
        if (name == "ext4-nojournal")
        {
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x5C)) & 0x4, Is.Zero, "has_journal is off");
        }

        if (name == "ext3-1k")
        {
            Assert.That(ExtImage.Debugfs(Fixtures.Image(name), "stat /boot/initrd.img-6.1.0-pv"), Does.Contain("(DIND)"), "the initrd reaches the double-indirect block");
        }
    }

    [Test]
    public void SparseAndUnwritten_ReadAsZeros()
    {
        (var source, var fs) = ExtImage.Open(Fixtures.Image("ext4-frag"));
        using (source)
        {
            byte[] prealloc = Read(fs, "/prealloc.bin");
            Assert.That(prealloc, Has.Length.EqualTo(1048576).And.All.Zero);
            byte[] sparse = Read(fs, "/sparse.bin");
            Assert.That(sparse.AsSpan(0, 768 * 4096).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "leading hole");
            Assert.That(sparse.AsSpan(768 * 4096, 20000).IndexOfAnyExcept((byte)0), Is.Not.EqualTo(-1), "data after the hole");
        }
    }

    [Test]
    public void StaleChecksums_OnInodeDirectoryAndExtentBlocks_AreWarnings()
    {
        // Harmless bytes change without their checksum: the reader still reads, and says so.
        string image = Fixtures.WritableCopy("ext4-default", "stale-all");
        long inode = ExtImage.InodeOffset(image, "/etc/hostname");
        ExtImage.WriteUInt16(image, inode + 0x18, 0x1234); // i_gid
        long dirent = ExtImage.DirentOffset(image, "/etc", "empty");
        ExtImage.WriteBytes(image, dirent + 8, "EMPTY"u8);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(Encoding.UTF8.GetString(Read(fs, "/etc/hostname")), Is.EqualTo("hello\n"));
            Assert.That(ExtImage.Lookup(fs, "/etc/EMPTY").Size, Is.Zero);
            Assert.That(fs.Warnings, Has.Some.Contains("ext4_inode").And.Some.Contains("ext4_dir_entry_tail"));
        }

        string frag = Fixtures.WritableCopy("ext4-frag", "stale-extent");
        string tree = ExtImage.Debugfs(frag, "ex /frag.bin");
        long leaf = long.Parse(Regex.Match(tree, @"\n\s*1/\s*2\s+1/\s*\d+\s+\d+\s+-\s+\d+\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        ExtImage.WriteUInt32(frag, (leaf * 4096) + 8, 0xDEADBEEF); // eh_generation
        (var fragSource, var fragFs) = ExtImage.Open(frag);
        using (fragSource)
        {
            Assert.That(ExtImage.Sha256Of(fragFs, ExtImage.Lookup(fragFs, "/frag.bin")), Is.EqualTo(Fixtures.Manifest("ext4-frag").Single(e => e.Path == "/frag.bin").Sha256));
            Assert.That(fragFs.Warnings, Has.Some.Contains("ext4_extent_tail"));
        }
    }

    private static byte[] Read(IFileSystemReader fs, string path)
    {
        using var stream = new MemoryStream();
        fs.CopyTo(ExtImage.Lookup(fs, path), stream);
        return stream.ToArray();
    }
}
