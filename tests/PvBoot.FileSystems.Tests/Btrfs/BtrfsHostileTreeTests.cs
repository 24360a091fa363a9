using System.Diagnostics;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>hostile-input.md §4 G1–G6 on btrfs fixtures.</summary>
public sealed class BtrfsHostileTreeTests
{
    [Test]
    public void G1_SymlinkLoop_RefusedWithinBound()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-rootdir");
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<CorruptImageException>(() => fs.Lookup("/links/loop-a"u8))!;
        Assert.That(e.Message, Does.Contain("symbolic links followed"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(fs.Lookup("/links/loop-a"u8, followFinalSymlink: false)?.Type, Is.EqualTo(FileSystemEntryType.Symlink));
    }

    [Test]
    public void G2_EscapingPathsAndSymlinks_StayInsideTheImage()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-rootdir");
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        Assert.That(BtrfsTestImage.LookupOrFail(fs, "/links/escape").DisplayPath, Is.EqualTo("/boot/grub/grub.cfg"));
        Assert.That(BtrfsTestImage.LookupOrFail(fs, "/links/absolute").DisplayPath, Is.EqualTo("/boot/initrd.img-6.1.0-test"));
        Assert.That(BtrfsTestImage.LookupOrFail(fs, "/boot/../../../../etc/hostname").DisplayPath, Is.EqualTo("/etc/hostname"));
        Assert.That(fs.Lookup("/boot/../../../../etc/shadow"u8), Is.Null);
    }

    [Test]
    public void G3_NonRegularFiles_ReportTheirType()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-rootdir");
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        FileSystemEntry fifo = BtrfsTestImage.LookupOrFail(fs, "/fifo");
        Assert.That(fifo.Type, Is.EqualTo(FileSystemEntryType.Fifo));
        Assert.Throws<ArgumentException>(() => fs.CopyTo(fifo, Stream.Null), "only regular files are copied");
        Assert.That(BtrfsTestImage.LookupOrFail(fs, "/boot").Type, Is.EqualTo(FileSystemEntryType.Directory));
        Assert.That(fs.ListDirectory(BtrfsTestImage.LookupOrFail(fs, "/")).Single(e => e.DisplayName == "fifo").Type,
            Is.EqualTo(FileSystemEntryType.Fifo));
    }

    [Test]
    public void G4_DirectoryEntryPointingAtAnAncestor_BoundedByPathCaps()
    {
        var source = BtrfsMustRefuseTests.Patched("btrfs-rootdir");
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        BtrfsInode deep = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(clean, "/deep"));
        BtrfsInode b = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(clean, "/deep/a/b"));
        (BtrfsNode leaf, int index) = BtrfsTestImage.Item(clean, b.Tree, new BtrfsKey(b.ObjectId, BtrfsConstants.DirItemKey, BtrfsTestImage.NameHash("c")));
        int relative = (int)(leaf.ItemDataOffset(index) - leaf.DiskOffset);
        BtrfsTestImage.PatchNodeUInt64(source, clean, leaf.Header.Bytenr, relative + BtrfsDirItem.Layout.Location + BtrfsKey.Layout.ObjectId, deep.ObjectId);

        IFileSystemReader fs = BtrfsTestImage.Open(source);
        Assert.That(BtrfsTestImage.LookupOrFail(fs, "/deep/a/b/c/a/b/c/a").Type, Is.EqualTo(FileSystemEntryType.Directory), "the cycle is real");
        string cyclic = "/deep" + string.Concat(Enumerable.Repeat("/a/b/c", 800));
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<CorruptImageException>(() => fs.Lookup(PathBytes.FromConfigText(cyclic)))!;
        Assert.That(e.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void G5_HugeSparseFile_RefusedBeforeWriting()
    {
        var source = BtrfsMustRefuseTests.Patched("btrfs-rootdir");
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        BtrfsInode sparse = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(clean, "/sparse.bin"));
        (BtrfsNode leaf, int index) = BtrfsTestImage.Item(clean, sparse.Tree, new BtrfsKey(sparse.ObjectId, BtrfsConstants.InodeItemKey, 0));
        int relative = (int)(leaf.ItemDataOffset(index) - leaf.DiskOffset);
        BtrfsTestImage.PatchNodeUInt64(source, clean, leaf.Header.Bytenr, relative + BtrfsInodeItem.Layout.FileSize, 1UL << 40);

        IFileSystemReader fs = BtrfsTestImage.Open(source);
        FileSystemEntry entry = BtrfsTestImage.LookupOrFail(fs, "/sparse.bin");
        Assert.That(entry.Size, Is.EqualTo(1L << 40));
        using var output = new MemoryStream();
        var e = Assert.Throws<CorruptImageException>(() => fs.CopyTo(entry, output))!;
        Assert.That(e.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
        Assert.That(output.Length, Is.Zero);

        // Far beyond the last extent the file reads as a hole, quickly.
        byte[] far = new byte[1 << 20];
        var clock = Stopwatch.StartNew();
        Assert.That(fs.Read(entry, 1L << 39, far), Is.EqualTo(far.Length));
        Assert.That(far, Is.All.EqualTo((byte)0));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void G6_MetadataIsReadOnceAndTheCachedCopyIsUsed()
    {
        var source = BtrfsMustRefuseTests.Patched("btrfs-rootdir");
        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        FileSystemEntry kernel = BtrfsTestImage.LookupOrFail(fs, "/boot/vmlinuz");
        string expected = Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, kernel));

        // The guest rewrites every tree block it has seen: the open reader keeps validating its cached copies.
        foreach (BtrfsNode node in fs.CachedNodes.ToList())
        {
            foreach (long copy in fs.PhysicalCopies(node.Header.Bytenr))
            {
                source.Write(copy, new byte[fs.SuperBlock.NodeSize]);
            }
        }

        FileSystemEntry again = BtrfsTestImage.LookupOrFail(fs, "/boot/vmlinuz");
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, again)), Is.EqualTo(expected));
        Assert.That(() => BtrfsTestImage.Open(source), Throws.TypeOf<CorruptImageException>(), "a fresh reader sees the damage");
    }
}
