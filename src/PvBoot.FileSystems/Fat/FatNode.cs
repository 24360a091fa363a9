namespace PvBoot.FileSystems.Fat;

/// <summary>A file or directory of a FAT volume, as its directory entry describes it.</summary>
internal sealed class FatNode
{
    public FatNode(bool isDirectory, uint firstCluster, uint size, long entryOffset, bool isFixedRoot = false)
    {
        IsDirectory = isDirectory;
        FirstCluster = firstCluster;
        Size = size;
        EntryOffset = entryOffset;
        IsFixedRoot = isFixedRoot;
    }

    /// <summary>Whether the node is a directory.</summary>
    public bool IsDirectory { get; }

    /// <summary>The first cluster of the chain (0 for an empty file).</summary>
    public uint FirstCluster { get; }

    /// <summary>The file size in bytes (0 for directories).</summary>
    public uint Size { get; }

    /// <summary>The absolute offset of the directory entry (-1 for the root).</summary>
    public long EntryOffset { get; }

    /// <summary>Whether this is the fixed root directory region of FAT12/16.</summary>
    public bool IsFixedRoot { get; }

    /// <summary>The number of clusters in the chain once it has been validated, else -1.</summary>
    public long ValidatedClusters { get; set; } = -1;

    /// <summary>Index in the chain of <see cref="CursorCluster"/>: where the last sequential read stopped.</summary>
    public long CursorIndex { get; set; }

    /// <summary>The cluster at <see cref="CursorIndex"/>.</summary>
    public uint CursorCluster { get; set; }
}
