namespace PvBoot.FileSystems.Ext;

/// <summary>An inode as the reader keeps it: its number, where it lies, the parsed fields and per-file lookup caches.</summary>
internal sealed class ExtNode
{
    public ExtNode(uint number, Ext4Inode inode, long diskOffset, uint checksumSeed)
    {
        Number = number;
        Inode = inode;
        DiskOffset = diskOffset;
        ChecksumSeed = checksumSeed;
    }

    /// <summary>The inode number.</summary>
    public uint Number { get; }

    /// <summary>The parsed inode.</summary>
    public Ext4Inode Inode { get; }

    /// <summary>The absolute offset of the inode in the source.</summary>
    public long DiskOffset { get; }

    /// <summary>The inode's checksum seed (crc32c of the file system seed, the inode number and the generation).</summary>
    public uint ChecksumSeed { get; }

    /// <summary>The extent leaf used last, so sequential reads do not walk the tree for every chunk.</summary>
    public ExtentLeaf? LastLeaf { get; set; }

    /// <summary>The inline bytes (i_block plus system.data), assembled once.</summary>
    public byte[]? InlineData { get; set; }

    /// <summary>Absolute offset of the system.data value, for error messages.</summary>
    public long InlineValueDiskOffset { get; set; }
}

/// <summary>A validated extent leaf and the logical block range its parent index assigns to it.</summary>
/// <param name="First">The first logical block the leaf covers.</param>
/// <param name="End">The logical block after the leaf's range.</param>
/// <param name="Extents">The leaf's extents, sorted and not overlapping.</param>
internal sealed record ExtentLeaf(long First, long End, Ext4Extent[] Extents);
