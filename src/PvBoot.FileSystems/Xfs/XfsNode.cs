namespace PvBoot.FileSystems.Xfs;

/// <summary>An XFS inode as the reader holds it: its number, where it lives, the parsed core and its raw bytes.</summary>
internal sealed class XfsNode
{
    public XfsNode(ulong ino, long offset, XfsDinode inode, byte[] raw)
    {
        Ino = ino;
        Offset = offset;
        Inode = inode;
        Raw = raw;
    }

    /// <summary>The inode number.</summary>
    public ulong Ino { get; }

    /// <summary>The inode's absolute offset.</summary>
    public long Offset { get; }

    /// <summary>The validated core.</summary>
    public XfsDinode Inode { get; }

    /// <summary>The inode's bytes (the cached copy that was validated).</summary>
    public byte[] Raw { get; }

    /// <summary>The data fork's bytes.</summary>
    public ReadOnlySpan<byte> DataFork => Raw.AsSpan(Inode.CoreSize, Inode.DataForkSize);

    /// <summary>The data fork's absolute offset.</summary>
    public long DataForkOffset => Offset + Inode.CoreSize;

    /// <summary>
    /// The extents last collected for reading file data, covering file blocks [<c>First</c>, <c>End</c>), or
    /// <see langword="null"/>: a copy's successive chunks are served from one walk of the extent tree.
    /// </summary>
    public (ulong First, ulong End, List<(XfsBmbtRec Rec, long RecordOffset)> Extents)? DataExtents { get; set; }
}
