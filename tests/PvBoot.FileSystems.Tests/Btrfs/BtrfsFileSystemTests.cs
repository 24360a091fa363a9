using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

public sealed class BtrfsFileSystemTests
{
    private static IEnumerable<TestCaseData> ImageCases() => BtrfsTestImage.Images.Select(i => new TestCaseData(i).SetName($"EveryFile_MatchesManifest({i})"));

    [TestCaseSource(nameof(ImageCases))]
    public void EveryFile_MatchesManifest(string image)
    {
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(image);
        Assert.That(manifest, Is.Not.Empty);
        using FileBlockSource source = BtrfsTestImage.Source(image);
        IFileSystemReader fs = FileSystemProbes.TryOpen(source) ?? throw new AssertionException("not recognised");
        Assert.That(fs.FileSystemType, Is.EqualTo("btrfs"));
        foreach (ManifestEntry file in manifest)
        {
            FileSystemEntry entry = BtrfsTestImage.LookupOrFail(fs, file.Path);
            Assert.That(entry.Type, Is.EqualTo(FileSystemEntryType.Regular), file.Path);
            Assert.That(entry.Size, Is.EqualTo(file.Size), file.Path);
            Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, entry)), Is.EqualTo(file.Sha256), file.Path);
        }
    }

    [Test]
    public void ManyNames_ListingMatchesManifest_AndCollidingNamesBothResolve()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        var expected = Fixtures.Manifest("btrfs-rootdir").Where(m => m.Path.StartsWith("/many/", StringComparison.Ordinal))
            .Select(m => m.Path["/many/".Length..]).Order(StringComparer.Ordinal).ToList();
        var listed = fs.ListDirectory(BtrfsTestImage.LookupOrFail(fs, "/many")).Select(e => e.DisplayName).Order(StringComparer.Ordinal).ToList();
        Assert.That(listed, Is.EqualTo(expected));
        Assert.That(listed, Has.Count.EqualTo(302));

        string[] pair = System.Text.Encoding.UTF8.GetString(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, "/collision-names.txt")))
            .Trim().Split('\t');
        Assert.That(pair, Has.Length.EqualTo(2));
        Assert.That(BtrfsTestImage.NameHash(pair[0]), Is.EqualTo(BtrfsTestImage.NameHash(pair[1])), "the fixture's names really collide");
        FileSystemEntry many = BtrfsTestImage.LookupOrFail(fs, "/many");
        (BtrfsNode node, int index) = BtrfsTestImage.Item(fs, BtrfsTestImage.Node(many).Tree,
            new BtrfsKey(BtrfsTestImage.Node(many).ObjectId, BtrfsConstants.DirItemKey, BtrfsTestImage.NameHash(pair[0])));
        Assert.That(node.ItemData(index).Length, Is.EqualTo((2 * BtrfsDirItem.Size) + pair[0].Length + pair[1].Length), "one DIR_ITEM holds both names");
        Assert.That(System.Text.Encoding.UTF8.GetString(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, "/many/" + pair[0]))),
            Is.EqualTo("first of a colliding pair\n"));
        Assert.That(System.Text.Encoding.UTF8.GetString(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, "/many/" + pair[1]))),
            Is.EqualTo("second of a colliding pair\n"));
        Assert.That(fs.Lookup("/many/collide-0"u8), Is.Null);
    }

    [Test]
    public void Identity_UuidLabelAndType()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-rootdir");
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        Assert.That(fs.FileSystemType, Is.EqualTo("btrfs"));
        Assert.That(fs.Uuid, Is.EqualTo("5e3a1f00-0000-4000-8000-00000000b001"));
        Assert.That(fs.Label, Is.EqualTo("pvboot-crc32c"));
        Assert.That(fs.Warnings, Is.Empty);
        Assert.That(BtrfsFileSystem.Matches(source), Is.True);
    }

    [TestCase("btrfs-rootdir", "crc32c")]
    [TestCase("btrfs-xxhash", "xxhash64")]
    [TestCase("btrfs-sha256", "sha256")]
    [TestCase("btrfs-blake2", "blake2b")]
    public void VerifiedChecksums_NoWarning_AndStaleNodeChecksumFallsBackToDupCopy(string image, string algorithm)
    {
        using FileBlockSource file = BtrfsTestImage.Source(image);
        var source = new PatchedBlockSource(file);
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        Assert.That(clean.Warnings, Is.Empty);
        Assert.That(BtrfsChecksum.Name(clean.SuperBlock.CsumType), Is.EqualTo(algorithm));
        IReadOnlyList<long> copies = clean.PhysicalCopies(clean.SuperBlock.Root);
        Assert.That(copies, Has.Count.EqualTo(2), "metadata is DUP on a single device");

        // Damage the first copy of the root tree's root block without fixing its checksum: the reader uses the second.
        byte[] block = source.Read(copies[0], (int)clean.SuperBlock.NodeSize);
        block[BtrfsHeader.Layout.Owner] ^= 0x40;
        source.Write(copies[0], block);
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        ManifestEntry kernel = Fixtures.Manifest(image).Single(m => m.Path == "/boot/vmlinuz-6.1.0-test");
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, "/boot/vmlinuz"))), Is.EqualTo(kernel.Sha256));
        Assert.That(fs.Warnings, Is.Empty, "a good mirror copy is not worth a warning");
    }

    [Test]
    public void StaleChecksumInEveryCopy_WarnsAndKeepsValidating()
    {
        using FileBlockSource file = BtrfsTestImage.Source("btrfs-rootdir");
        var source = new PatchedBlockSource(file);
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        BtrfsTestImage.PatchNode(source, clean, clean.SuperBlock.Root, BtrfsHeader.Layout.Flags + 7, [0x55], recompute: false);
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(fs.Warnings, Has.Some.Contains("crc32c mismatch in every copy"));
        Assert.That(fs.Lookup("/boot/vmlinuz"u8), Is.Not.Null);
    }

    [Test]
    public void DamagedPrimarySuperBlock_FallsBackToMirrorAt64MiB()
    {
        using FileBlockSource file = BtrfsTestImage.Source("btrfs-rootdir");
        var source = new PatchedBlockSource(file);
        BtrfsTestImage.PatchSuperBlock(source, BtrfsSuperBlock.Layout.Label, "damaged"u8, recompute: false);
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(fs.SuperBlock.DiskOffset, Is.EqualTo(64L << 20));
        Assert.That(fs.Label, Is.EqualTo("pvboot-crc32c"));
        Assert.That(fs.Warnings, Has.Some.Contains("using the mirror at offset 67108864"));
        Assert.That(fs.Lookup("/boot/vmlinuz"u8), Is.Not.Null);

        // Without the magic the probe still recognises the file system through the mirror.
        BtrfsTestImage.PatchSuperBlock(source, BtrfsSuperBlock.Layout.Magic, "XXXXXXXX"u8, recompute: false);
        Assert.That(FileSystemProbes.TryOpen(source)?.Label, Is.EqualTo("pvboot-crc32c"));
    }

    [Test]
    public void PrimarySuperBlockWithUnknownChecksumType_MirrorThatVerifiesWins()
    {
        // A flipped csum_type makes the primary unverifiable; it is damaged like any other stale copy, not a new format.
        using FileBlockSource file = BtrfsTestImage.Source("btrfs-rootdir");
        var source = new PatchedBlockSource(file);
        BtrfsTestImage.PatchSuperBlock(source, BtrfsSuperBlock.Layout.CsumType, [0xFF, 0x00], recompute: false);
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(fs.SuperBlock.DiskOffset, Is.EqualTo(64L << 20));
        Assert.That(BtrfsChecksum.Name(fs.SuperBlock.CsumType), Is.EqualTo("crc32c"));
        Assert.That(fs.Warnings, Has.Some.Contains("using the mirror at offset 67108864"));
        ManifestEntry kernel = Fixtures.Manifest("btrfs-rootdir").First(m => m.Path.Contains("vmlinuz", StringComparison.Ordinal));
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, kernel.Path))), Is.EqualTo(kernel.Sha256));
    }

    [Test]
    public void UnknownChecksumTypeInEveryCopy_RefusedAsUnsupportedAtThePrimaryField()
    {
        using FileBlockSource file = BtrfsTestImage.Source("btrfs-rootdir");
        var source = new PatchedBlockSource(file);
        BtrfsTestImage.PatchSuperBlock(source, BtrfsSuperBlock.Layout.CsumType, [0x09, 0x00], recompute: false);
        source.Write((64L << 20) + BtrfsSuperBlock.Layout.CsumType, [0x09, 0x00]);
        var e = Assert.Throws<CorruptImageException>(() => BtrfsTestImage.Open(source))!;
        Assert.That(e.Kind, Is.EqualTo(ImageProblem.Unsupported));
        Assert.That((e.Structure, e.Field, e.Offset), Is.EqualTo(("btrfs_super_block", "csum_type", 0x10000L + BtrfsSuperBlock.Layout.CsumType)));
        Assert.That(e.Message, Does.Contain("checksum algorithm 9 is unknown"));
    }

    [Test]
    public void Subvolumes_TopLevelViewCrossesSubvolumesLikeGrub()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-subvol");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(fs.RootSubvolumeId, Is.EqualTo(5UL));
        FileSystemEntry kernel = BtrfsTestImage.LookupOrFail(fs, "/@/boot/vmlinuz");
        Assert.That(kernel.DisplayPath, Is.EqualTo("/@/boot/vmlinuz-6.1.0-subvol"));
        Assert.That(BtrfsTestImage.Node(kernel).Tree.Id, Is.GreaterThanOrEqualTo(256UL), "the kernel lives in the @ subvolume's tree");
        FileSystemEntry home = BtrfsTestImage.LookupOrFail(fs, "/@home/user/notes.txt");
        Assert.That(BtrfsTestImage.Node(home).Tree.Id, Is.Not.EqualTo(BtrfsTestImage.Node(kernel).Tree.Id));
        Assert.That(fs.Lookup("/@/boot/../../top-level.txt"u8)?.DisplayPath, Is.EqualTo("/top-level.txt"));

        // In the snapshot of @, the entry for the nested subvolume .snapshots/1/snapshot still names that subvolume.
        // The kernel shows an empty directory there; GRUB and btrfs restore -s follow the entry, and so does PvBoot.
        FileSystemEntry nested = BtrfsTestImage.LookupOrFail(fs, "/@/.snapshots/2/snapshot/.snapshots/1/snapshot/etc-release");
        Assert.That(BtrfsTestImage.ReadAll(fs, nested), Is.EqualTo("default subvolume\n"u8.ToArray()));
        Assert.That(BtrfsTestImage.Node(nested).Tree.Id, Is.EqualTo(fs.DefaultSubvolumeId));
    }

    [Test]
    public void Subvolumes_DefaultViewStartsAtTheSetDefaultSubvolume()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-subvol");
        BtrfsFileSystem top = BtrfsTestImage.Open(source);
        BtrfsFileSystem view = top.OpenView(BtrfsRoot.Default);
        Assert.That(view.RootSubvolumeId, Is.EqualTo(top.DefaultSubvolumeId));
        Assert.That(view.RootSubvolumeId, Is.Not.EqualTo(5UL));
        ManifestEntry expected = Fixtures.Manifest("btrfs-subvol").Single(m => m.Path.EndsWith("vmlinuz-6.1.0-default", StringComparison.Ordinal));
        FileSystemEntry kernel = BtrfsTestImage.LookupOrFail(view, "/boot/vmlinuz-6.1.0-default");
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(view, kernel)), Is.EqualTo(expected.Sha256));
        Assert.That(view.Lookup("/../../top-level.txt"u8), Is.Null, "the default view cannot climb above its subvolume");
        Assert.That(view.Lookup("/etc-release"u8), Is.Not.Null);

        // Without a set default the default view is the top level.
        using FileBlockSource plain = BtrfsTestImage.Source("btrfs-rootdir");
        Assert.That(BtrfsTestImage.Open(plain, BtrfsRoot.Default).RootSubvolumeId, Is.EqualTo(5UL));
    }

    [Test]
    public void TwoDeviceRaid1_RefusedAsUnsupported()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-raid1-dev1");
        var e = Assert.Throws<CorruptImageException>(() => BtrfsTestImage.Open(source))!;
        Assert.That(e.Kind, Is.EqualTo(ImageProblem.Unsupported));
        Assert.That((e.Structure, e.Field, e.Offset), Is.EqualTo(("btrfs_super_block", "num_devices", 0x10000L + BtrfsSuperBlock.Layout.NumDevices)));
        Assert.That(e.Message, Does.Contain("RAID1 across devices"));
    }

    [Test]
    public void SparseAndPreallocatedFiles_ReadZeros_AndInlineSymlinksResolve()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-compress");
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        FileSystemEntry holes = BtrfsTestImage.LookupOrFail(fs, "/holes.bin");
        byte[] middle = new byte[4096];
        Assert.That(fs.Read(holes, 500_000, middle), Is.EqualTo(4096));
        Assert.That(middle, Is.All.EqualTo((byte)0));
        byte[] tail = new byte[10];
        Assert.That(fs.Read(holes, 1_999_995, tail), Is.EqualTo(5), "reads stop at the end of the file");
        FileSystemEntry prealloc = BtrfsTestImage.LookupOrFail(fs, "/prealloc.bin");
        byte[] written = new byte[7];
        fs.Read(prealloc, 70_000, written);
        Assert.That(written, Is.EqualTo("written"u8.ToArray()));
        fs.Read(prealloc, 100_000, middle);
        Assert.That(middle, Is.All.EqualTo((byte)0));

        using FileBlockSource rootdir = BtrfsTestImage.Source("btrfs-rootdir");
        IFileSystemReader links = BtrfsTestImage.Open(rootdir);
        FileSystemEntry link = BtrfsTestImage.LookupOrFail(links, "/links/relative", follow: false);
        Assert.That(link.Type, Is.EqualTo(FileSystemEntryType.Symlink));
        Assert.That(links.ReadSymlinkTarget(link), Is.EqualTo("../boot/vmlinuz-6.1.0-test"u8.ToArray()));
        Assert.That(links.ReadSymlinkTarget(BtrfsTestImage.LookupOrFail(links, "/links/long-target", follow: false)), Has.Length.EqualTo(1000));
        Assert.That(BtrfsTestImage.LookupOrFail(links, "/links/dir-link/vmlinuz").DisplayPath, Is.EqualTo("/boot/vmlinuz-6.1.0-test"));
    }

    [Test]
    public void DupData_DamagedFirstCopy_ReadFromTheCopyWhoseChecksumMatches()
    {
        using FileBlockSource file = BtrfsTestImage.Source("btrfs-dup-data");
        var source = new PatchedBlockSource(file);
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        BtrfsInode kernel = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(clean, "/boot/vmlinuz-6.1.0-test"));
        (BtrfsNode leaf, int index) = BtrfsTestImage.Item(clean, kernel.Tree, new BtrfsKey(kernel.ObjectId, BtrfsConstants.ExtentDataKey, 0));
        var extent = BtrfsFileExtentItem.Parse(leaf.ItemData(index), leaf.ItemDataOffset(index), source.Name, 4096);
        IReadOnlyList<long> copies = clean.PhysicalCopies(extent.DiskBytenr);
        Assert.That(copies, Has.Count.EqualTo(2), "data is DUP");
        string expected = Fixtures.Manifest("btrfs-dup-data").Single(m => m.Path == "/boot/vmlinuz-6.1.0-test").Sha256;

        // Two sectors of the first copy go bad: the second copy supplies them.
        source.Write(copies[0] + 100, new byte[5000]);
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, BtrfsTestImage.LookupOrFail(fs, "/boot/vmlinuz"))), Is.EqualTo(expected));
        Assert.That(fs.Warnings, Is.Empty);

        // Both copies bad: the bytes are returned with a warning naming the mismatch.
        source.Write(copies[1] + 100, new byte[5000]);
        BtrfsFileSystem broken = BtrfsTestImage.Open(source);
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(broken, BtrfsTestImage.LookupOrFail(broken, "/boot/vmlinuz"))), Is.Not.EqualTo(expected));
        Assert.That(broken.Warnings, Has.Some.Contains("crc32c mismatch in every copy"));
    }
}
