namespace PvBoot.FileSystems.Btrfs;

/// <summary>A tree (subvolume, root tree, chunk tree): its id, root block and the inode of its top directory.</summary>
internal sealed record BtrfsTree(ulong Id, ulong Bytenr, byte Level, ulong RootDirId);

/// <summary>The reader's node: an inode within one subvolume's tree.</summary>
internal sealed class BtrfsInode
{
    public BtrfsInode(BtrfsTree tree, ulong objectId, BtrfsInodeItem item)
    {
        Tree = tree;
        ObjectId = objectId;
        Item = item;
    }

    /// <summary>The subvolume the inode lives in.</summary>
    public BtrfsTree Tree { get; }

    /// <summary>The inode number.</summary>
    public ulong ObjectId { get; }

    /// <summary>The inode item.</summary>
    public BtrfsInodeItem Item { get; }
}
