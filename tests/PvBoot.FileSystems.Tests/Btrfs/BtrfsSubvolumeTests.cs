using System.Diagnostics;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>
/// The <see cref="ISubvolumeFileSystem"/> side of the btrfs reader: readers rooted at any subvolume, subvolume paths
/// from the top level (ROOT_BACKREF + INODE_REF, <c>btrfs_root_ref</c>/<c>btrfs_inode_ref</c>), on the images made by
/// the kernel with real subvolumes and a non-top-level default subvolume.
/// </summary>
public sealed class BtrfsSubvolumeTests
{
    [TestCase("btrfs-subvol", new[] { "/@", "/@home", "/@/.snapshots/1/snapshot", "/@/.snapshots/2/snapshot" })]
    [TestCase("btrfs-suse", new[] { "/@", "/@/.snapshots/1/snapshot", "/@/.snapshots/2/snapshot" })]
    public void SubvolumePaths_RoundTrip_AndEachSubvolumeReaderReadsTheManifestBytes(string image, string[] subvolumePaths)
    {
        using FileBlockSource source = BtrfsTestImage.Source(image);
        ISubvolumeFileSystem top = BtrfsTestImage.Open(source);
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(image);
        var ids = new HashSet<ulong>();
        foreach (string path in subvolumePaths)
        {
            ulong id = top.FindSubvolume(PathBytes.FromConfigText(path)) ?? throw new AssertionException($"{path} is not a subvolume");
            Assert.That(ids.Add(id), Is.True, $"{path} has its own id");
            Assert.That(PathBytes.ToDisplayString(top.SubvolumePath(id)), Is.EqualTo(path));
            IFileSystemReader view = top.OpenSubvolume(id) ?? throw new AssertionException($"subvolume {id} does not open");
            Assert.That(((ISubvolumeFileSystem)view).SubvolumeId, Is.EqualTo(id));
            Assert.That(((ISubvolumeFileSystem)view).FindSubvolume("/"u8), Is.EqualTo(id));
            foreach (ManifestEntry file in manifest.Where(m => m.Path.StartsWith(path + "/", StringComparison.Ordinal)))
            {
                string inside = file.Path[path.Length..];
                FileSystemEntry? entry = view.Lookup(PathBytes.FromConfigText(inside));
                if (entry is null)
                {
                    // Below a nested subvolume's placeholder in a snapshot; reached through the top level instead.
                    Assert.That(subvolumePaths.Any(p => p.Length > path.Length && file.Path.StartsWith(p + "/", StringComparison.Ordinal)), Is.True, file.Path);
                    continue;
                }

                Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(view, entry)), Is.EqualTo(file.Sha256), $"{file.Path} read as {inside} in subvolume {id}");
            }
        }

        Assert.That(PathBytes.ToDisplayString(top.SubvolumePath(top.TopLevelSubvolumeId)), Is.EqualTo("/"));
        Assert.That(top.FindSubvolume("/"u8), Is.EqualTo(top.TopLevelSubvolumeId));
    }

    [Test]
    public void DefaultSubvolume_IsTheOneSetDefault_AndItsReaderSeesSlashBootThere()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-suse");
        ISubvolumeFileSystem top = BtrfsTestImage.Open(source);
        ulong snapshot1 = top.FindSubvolume("/@/.snapshots/1/snapshot"u8)!.Value;
        Assert.That(top.DefaultSubvolumeId, Is.EqualTo(snapshot1));
        IFileSystemReader view = top.OpenSubvolume(top.DefaultSubvolumeId)!;
        FileSystemEntry kernel = BtrfsTestImage.LookupOrFail(view, "/boot/vmlinuz");
        Assert.That(kernel.DisplayPath, Is.EqualTo("/boot/vmlinuz-6.4.0-150600.23-default"), "the symlink resolves inside the subvolume");
        ManifestEntry expected = Fixtures.Manifest("btrfs-suse").Single(m => m.Path == "/@/.snapshots/1/snapshot/boot/vmlinuz-6.4.0-150600.23-default");
        Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(view, kernel)), Is.EqualTo(expected.Sha256));
        ManifestEntry decoy = Fixtures.Manifest("btrfs-suse").Single(m => m.Path == "/boot/vmlinuz-6.4.0-150600.23-default");
        Assert.That(decoy.Sha256, Is.Not.EqualTo(expected.Sha256), "the top level holds different bytes under the same name");
    }

    [TestCase(0UL)]
    [TestCase(1UL)]
    [TestCase(6UL)]
    [TestCase(255UL)]
    [TestCase(4242UL)]
    [TestCase(ulong.MaxValue)]
    public void UnknownOrReservedIds_AreNoSubvolume(ulong id)
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-suse");
        ISubvolumeFileSystem top = BtrfsTestImage.Open(source);
        Assert.That(top.OpenSubvolume(id), Is.Null);
        Assert.That(top.SubvolumePath(id), Is.Null);
    }

    [Test]
    public void FindSubvolume_PlainDirectoriesFilesAndMissingPaths_AreNoSubvolume()
    {
        using FileBlockSource source = BtrfsTestImage.Source("btrfs-suse");
        ISubvolumeFileSystem top = BtrfsTestImage.Open(source);
        Assert.That(top.FindSubvolume("/@/.snapshots"u8), Is.Null);
        Assert.That(top.FindSubvolume("/boot/vmlinuz-6.4.0-150600.23-default"u8), Is.Null);
        Assert.That(top.FindSubvolume("/@/no-such"u8), Is.Null);
        Assert.That(top.FindSubvolume("/@/.snapshots/1/snapshot/boot/.."u8), Is.EqualTo(top.DefaultSubvolumeId));
    }

    [Test]
    public void RootRef_NameLengthPastTheItem_RefusedNamingTheField()
    {
        PatchedBlockSource source = BtrfsMustRefuseTests.Patched("btrfs-suse");
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        ulong id = clean.DefaultSubvolumeId;
        (BtrfsNode leaf, int index) = BackrefOf(clean, id);
        long field = leaf.ItemDataOffset(index) + BtrfsRootRef.Layout.NameLen;
        BtrfsTestImage.PatchNode(source, clean, leaf.Header.Bytenr, (int)(field - leaf.DiskOffset), [0xFF, 0x00]);

        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        var error = Assert.Throws<CorruptImageException>(() => fs.SubvolumePath(id))!;
        Assert.That((error.Structure, error.Field, error.Offset), Is.EqualTo(("btrfs_root_ref", "name_len", field)));
    }

    [Test]
    public void InodeRef_NameLengthPastTheItem_RefusedNamingTheField()
    {
        PatchedBlockSource source = BtrfsMustRefuseTests.Patched("btrfs-suse");
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        BtrfsInode directory = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(clean, "/@/.snapshots/1"));
        (BtrfsNode leaf, int index) = InodeRefOf(clean, directory);
        long field = leaf.ItemDataOffset(index) + BtrfsInodeRef.Layout.NameLen;
        BtrfsTestImage.PatchNode(source, clean, leaf.Header.Bytenr, (int)(field - leaf.DiskOffset), [0xFF, 0x00]);

        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        var error = Assert.Throws<CorruptImageException>(() => fs.SubvolumePath(fs.DefaultSubvolumeId))!;
        Assert.That((error.Structure, error.Field, error.Offset), Is.EqualTo(("btrfs_inode_ref", "name_len", field)));
    }

    [Test]
    public void InodeRef_PointingAtItself_IsABoundedCycleError()
    {
        PatchedBlockSource source = BtrfsMustRefuseTests.Patched("btrfs-suse");
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        BtrfsInode directory = BtrfsTestImage.Node(BtrfsTestImage.LookupOrFail(clean, "/@/.snapshots/1"));
        (BtrfsNode leaf, int index) = InodeRefOf(clean, directory);
        long keyOffset = leaf.EntryOffset(index) + BtrfsItem.Layout.Key + BtrfsKey.Layout.Offset;
        BtrfsTestImage.PatchNodeUInt64(source, clean, leaf.Header.Bytenr, (int)(keyOffset - leaf.DiskOffset), directory.ObjectId);

        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<CorruptImageException>(() => fs.SubvolumePath(fs.DefaultSubvolumeId))!;
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That((error.Structure, error.Field, error.Offset, error.Kind), Is.EqualTo(("btrfs_inode_ref", "offset", keyOffset, ImageProblem.LimitExceeded)));
        Assert.That(error.Problem, Does.Contain("directory cycle"));
    }

    [Test]
    public void RootBackref_Missing_SubvolumeIsUnreachable_NotAnError()
    {
        // Turning the backref's key type into an unused one (ROOT_REF's neighbour) leaves no way up from the subvolume.
        PatchedBlockSource source = BtrfsMustRefuseTests.Patched("btrfs-suse");
        BtrfsFileSystem clean = BtrfsTestImage.Open(source);
        ulong id = clean.DefaultSubvolumeId;
        (BtrfsNode leaf, int index) = BackrefOf(clean, id);
        long typeOffset = leaf.EntryOffset(index) + BtrfsItem.Layout.Key + BtrfsKey.Layout.Type;
        BtrfsTestImage.PatchNode(source, clean, leaf.Header.Bytenr, (int)(typeOffset - leaf.DiskOffset), [(byte)(BtrfsConstants.RootBackrefKey + 1)]);

        BtrfsFileSystem fs = BtrfsTestImage.Open(source);
        Assert.That(fs.SubvolumePath(id), Is.Null);
        Assert.That(fs.OpenSubvolume(id), Is.Not.Null, "the subvolume itself is still there");
    }

    private static (BtrfsNode Leaf, int Index) BackrefOf(BtrfsFileSystem fs, ulong id)
    {
        BtrfsNode root = fs.TreeRootNode(fs.RootTree);
        Assert.That(root.IsLeaf, Is.True, "the fixture's root tree is one leaf");
        for (int i = 0; i < root.Count; i++)
        {
            if (root.KeyAt(i) is { Type: BtrfsConstants.RootBackrefKey } key && key.ObjectId == id)
            {
                return (root, i);
            }
        }

        throw new AssertionException($"no ROOT_BACKREF for subvolume {id}");
    }

    private static (BtrfsNode Leaf, int Index) InodeRefOf(BtrfsFileSystem fs, BtrfsInode directory)
    {
        BtrfsNode root = fs.TreeRootNode(directory.Tree);
        Assert.That(root.IsLeaf, Is.True, "the fixture's subvolume tree is one leaf");
        for (int i = 0; i < root.Count; i++)
        {
            if (root.KeyAt(i) is { Type: BtrfsConstants.InodeRefKey } key && key.ObjectId == directory.ObjectId)
            {
                return (root, i);
            }
        }

        throw new AssertionException($"no INODE_REF for inode {directory.ObjectId}");
    }
}
