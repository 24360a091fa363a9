using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// A read-only XFS v4/v5 reader: superblock geometry checks, inodes in every allocation group, data forks in local,
/// extents and bmbt form (unwritten extents and holes read as zeros), shortform, block, leaf, node and B+tree
/// directories (found by a linear scan of the data blocks) and local and remote symlinks. v5 CRC mismatches are
/// reported as warnings and the fields are validated regardless.
/// </summary>
internal sealed class XfsFileSystem : FileSystemReaderBase<XfsNode>
{
    /// <summary>The deepest bmbt this reader follows (XFS_BM_MAXLEVELS is below this for every geometry).</summary>
    public const int MaxBmbtLevel = 9;

    /// <summary>Byte offset in a directory where the leaf blocks start (XFS_DIR2_LEAF_OFFSET); data blocks lie below.</summary>
    public const long DirectoryLeafOffset = 32L * 1024 * 1024 * 1024;

    private const int MaxCollectedExtents = 1 << 20;

    /// <summary>How many file blocks one walk of the extent tree covers when reading data (at most this many extents).</summary>
    private const ulong DataExtentSpanBlocks = 2048;

    private readonly XfsDsb sb;
    private readonly XfsNode root;
    private readonly int blockSize;
    private readonly int dirBlockSize;

    private XfsFileSystem(IBlockSource source, FileSystemBudgets budgets)
        : base(source, budgets)
    {
        byte[] head = ReadMetadata(0, 512, "xfs_dsb");
        sb = XfsDsb.Parse(head, 0, source.Name);
        if (sb.SectSize > head.Length)
        {
            // Validate the copy the checksum covers, so the fields checked are the fields used.
            head = ReadMetadata(0, sb.SectSize, "xfs_dsb");
            sb = XfsDsb.Parse(head, 0, source.Name);
        }

        blockSize = (int)sb.BlockSize;
        dirBlockSize = blockSize << sb.DirBlkLog;
        if (sb.DBlocks > (ulong)source.Length >> sb.BlockLog)
        {
            throw new CorruptImageException(source.Name, "xfs_dsb", "sb_dblocks", XfsDsb.Layout.DBlocks,
                $"{sb.DBlocks} blocks of {blockSize} bytes do not fit the {source.Length}-byte source");
        }

        if (sb.IsV5 && !XfsChecksum.Matches(head.AsSpan(0, sb.SectSize), XfsDsb.Layout.Crc))
        {
            Warn("xfs_dsb at offset 0: sb_crc does not match the superblock");
        }

        root = LoadInode(sb.RootIno, "xfs_dsb", "sb_rootino", XfsDsb.Layout.RootIno);
        if (root.Inode.Type != FileSystemEntryType.Directory)
        {
            throw new CorruptImageException(source.Name, "xfs_dsb", "sb_rootino", XfsDsb.Layout.RootIno, $"root inode {sb.RootIno} is not a directory");
        }
    }

    private delegate bool DirectoryVisitor(ReadOnlySpan<byte> name, ulong ino, byte fileType, string structure, long inumberOffset, long fileTypeOffset);

    /// <inheritdoc />
    public override string FileSystemType => "xfs";

    /// <inheritdoc />
    public override string? Label
    {
        get
        {
            int length = Array.IndexOf(sb.FName, (byte)0);
            ReadOnlySpan<byte> name = sb.FName.AsSpan(0, length < 0 ? sb.FName.Length : length);
            return name.IsEmpty ? null : PathBytes.ToDisplayString(name);
        }
    }

    /// <inheritdoc />
    public override string? Uuid
    {
        get
        {
            string hex = Convert.ToHexStringLower(sb.Uuid);
            return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        }
    }

    /// <summary>The validated superblock.</summary>
    internal XfsDsb Superblock => sb;

    /// <inheritdoc />
    protected override XfsNode RootNode => root;

    /// <summary>Whether <paramref name="source"/> starts with the XFS superblock magic.</summary>
    /// <param name="source">The candidate partition.</param>
    /// <returns><see langword="true"/> if the magic "XFSB" is at offset 0.</returns>
    public static bool Matches(IBlockSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length < 512)
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[4];
        source.ReadExactly(0, magic);
        return BinaryPrimitives.ReadUInt32BigEndian(magic) == XfsDsb.Magic;
    }

    /// <summary>Opens and validates an XFS file system.</summary>
    /// <param name="source">The partition.</param>
    /// <param name="budgets">The limits to enforce.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="CorruptImageException">The superblock or root inode is corrupt or unsupported.</exception>
    public static IFileSystemReader Open(IBlockSource source, FileSystemBudgets budgets) => new XfsFileSystem(source, budgets);

    /// <summary>The inode number of an entry this reader returned (for tests and diagnostics).</summary>
    internal static ulong InodeNumberOf(FileSystemEntry entry) => ((ReaderEntry<XfsNode>)entry).Node.Ino;

    /// <summary>The absolute offset of the inode of an entry this reader returned (for tests and diagnostics).</summary>
    internal static long InodeOffsetOf(FileSystemEntry entry) => ((ReaderEntry<XfsNode>)entry).Node.Offset;

    /// <inheritdoc />
    protected override XfsNode? LookupChild(XfsNode directory, ReadOnlySpan<byte> name)
    {
        byte[] wanted = name.ToArray();
        ulong found = 0;
        string structure = string.Empty;
        long at = -1;
        WalkDirectory(directory, (entryName, ino, _, entryStructure, inumberOffset, _) =>
        {
            if (!NamesEqual(entryName, wanted))
            {
                return false;
            }

            found = ino;
            structure = entryStructure;
            at = inumberOffset;
            return true;
        });
        return at < 0 ? null : LoadInode(found, structure, "inumber", at);
    }

    /// <inheritdoc />
    protected override FileSystemEntryType TypeOf(XfsNode node) => node.Inode.Type;

    /// <inheritdoc />
    protected override long SizeOf(XfsNode node) => node.Inode.DataSize;

    /// <inheritdoc />
    protected override void EnumerateDirectory(XfsNode directory, List<DirectoryListing> into)
    {
        var found = new List<(byte[] Name, ulong Ino, byte FileType, string Structure, long At, long FileTypeAt)>();
        WalkDirectory(directory, (name, ino, fileType, structure, at, fileTypeAt) =>
        {
            found.Add((name.ToArray(), ino, fileType, structure, at, fileTypeAt));
            return false;
        });
        foreach ((byte[] name, ulong ino, byte fileType, string structure, long at, long fileTypeAt) in found)
        {
            FileSystemEntryType type = sb.HasFType
                ? TypeOfFileType(fileType, structure, fileTypeAt)
                : LoadInode(ino, structure, "inumber", at).Inode.Type;
            into.Add(new DirectoryListing(name, type));
        }
    }

    /// <inheritdoc />
    protected override byte[] ReadSymlink(XfsNode node)
    {
        int size = (int)node.Inode.DataSize;
        if (node.Inode.Format == XfsDinode.FormatLocal)
        {
            return node.DataFork[..size].ToArray();
        }

        int perBlock = sb.IsV5 ? blockSize - XfsDsymlinkHdr.Size : blockSize;
        ulong blocks = (ulong)((size + perBlock - 1) / perBlock);
        byte[] target = new byte[size];
        int got = 0;
        ulong expected = 0;
        foreach ((XfsBmbtRec rec, long recordOffset) in CollectExtents(node, 0, blocks))
        {
            if (rec.Unwritten || rec.StartOff != expected)
            {
                throw new CorruptImageException(Source.Name, "xfs_bmbt_rec", "br_startoff", recordOffset,
                    $"symlink inode {node.Ino} has a hole or unwritten extent in its target blocks");
            }

            long disk = BlockOffset(rec.StartBlock, rec.BlockCount, recordOffset);
            for (uint i = 0; i < rec.BlockCount && got < size; i++)
            {
                long blockDisk = disk + ((long)i * blockSize);
                byte[] block = ReadMetadata(blockDisk, blockSize, "xfs_dsymlink_hdr");
                int count;
                int start;
                if (sb.IsV5)
                {
                    if (!XfsChecksum.Matches(block, XfsDsymlinkHdr.Layout.Crc))
                    {
                        Warn($"xfs_dsymlink_hdr at offset {blockDisk}: sl_crc does not match the block");
                    }

                    XfsDsymlinkHdr header = XfsDsymlinkHdr.Parse(block, blockDisk, Source.Name, node.Ino, got, size - got);
                    count = (int)header.Bytes;
                    start = XfsDsymlinkHdr.Size;
                }
                else
                {
                    count = Math.Min(blockSize, size - got);
                    start = 0;
                }

                block.AsSpan(start, count).CopyTo(target.AsSpan(got));
                got += count;
            }

            expected = rec.EndOff;
        }

        if (got != size)
        {
            throw new CorruptImageException(Source.Name, "xfs_dinode", "di_size", node.Offset + XfsDinode.Layout.Size,
                $"the remote blocks of symlink inode {node.Ino} hold {got} of its {size} bytes");
        }

        return target;
    }

    /// <inheritdoc />
    protected override void ReadFileData(XfsNode file, long offset, Span<byte> destination)
    {
        destination.Clear();
        long requestEnd = offset + destination.Length;
        ulong first = (ulong)offset >> sb.BlockLog;
        ulong end = ((ulong)requestEnd >> sb.BlockLog) + ((requestEnd & (blockSize - 1)) != 0 ? 1UL : 0UL);
        long runDisk = 0;
        long runDestination = 0;
        long runLength = 0;
        List<(XfsBmbtRec Rec, long RecordOffset)> extents = DataExtents(file, first, end);
        for (int i = FirstEndingAfter(extents, first); i < extents.Count && extents[i].Rec.StartOff < end; i++)
        {
            (XfsBmbtRec rec, long recordOffset) = extents[i];
            if (rec.Unwritten)
            {
                continue;
            }

            long extentDisk = BlockOffset(rec.StartBlock, rec.BlockCount, recordOffset);
            ulong startBlock = Math.Max(rec.StartOff, first);
            ulong endBlock = Math.Min(rec.EndOff, end);
            long low = Math.Max(offset, BlockToByte(startBlock));
            long high = Math.Min(requestEnd, BlockToByte(endBlock));
            if (low >= high)
            {
                continue;
            }

            long disk = extentDisk + (low - BlockToByte(rec.StartOff));
            long at = low - offset;
            if (runLength > 0 && runDisk + runLength == disk && runDestination + runLength == at)
            {
                runLength += high - low;
                continue;
            }

            Flush(destination, runDisk, runDestination, runLength);
            runDisk = disk;
            runDestination = at;
            runLength = high - low;
        }

        Flush(destination, runDisk, runDestination, runLength);
    }

    /// <summary>
    /// The file's extents overlapping blocks [<paramref name="first"/>, <paramref name="end"/>): from the node's last
    /// walk when it covers them, else from a new walk over at least <see cref="DataExtentSpanBlocks"/> blocks.
    /// </summary>
    private List<(XfsBmbtRec Rec, long RecordOffset)> DataExtents(XfsNode file, ulong first, ulong end)
    {
        if (file.DataExtents is (ulong cachedFirst, ulong cachedEnd, var cached) && first >= cachedFirst && end <= cachedEnd)
        {
            return cached;
        }

        // Ahead, but not past the file's last block: extents beyond it are none of this read's business.
        ulong fileBlocks = ((ulong)Math.Max(0, SizeOf(file)) + (ulong)(blockSize - 1)) >> sb.BlockLog;
        ulong spanEnd = Math.Max(end, Math.Min(fileBlocks, first > ulong.MaxValue - DataExtentSpanBlocks ? ulong.MaxValue : first + DataExtentSpanBlocks));
        List<(XfsBmbtRec Rec, long RecordOffset)> extents = CollectExtents(file, first, spanEnd);
        file.DataExtents = (first, spanEnd, extents);
        return extents;
    }

    /// <summary>The index of the first extent (sorted, not overlapping) that ends after <paramref name="block"/>.</summary>
    private static int FirstEndingAfter(List<(XfsBmbtRec Rec, long RecordOffset)> extents, ulong block)
    {
        int lo = 0;
        int hi = extents.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (extents[mid].Rec.EndOff <= block)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private FileSystemEntryType TypeOfFileType(byte fileType, string structure, long at) =>
        PosixMode.TypeOfDirectoryEntry(fileType)
        ?? throw new CorruptImageException(Source.Name, structure, "ftype", at, $"file type {fileType} is not defined");

    /// <summary>A file block's byte offset, saturating at <see cref="long.MaxValue"/> (bmbt offsets reach 2^70 bytes, files 2^63).</summary>
    private long BlockToByte(ulong block) => block > ((ulong)long.MaxValue >> sb.BlockLog) ? long.MaxValue : (long)(block << sb.BlockLog);

    private void Flush(Span<byte> destination, long disk, long at, long length)
    {
        if (length == 0)
        {
            return;
        }

        ReadData(disk, destination.Slice((int)at, (int)length), "xfs_bmbt_rec", "br_startblock");
    }

    private XfsNode LoadInode(ulong ino, string structure, string field, long fieldOffset)
    {
        long offset = InodeOffset(ino, structure, field, fieldOffset);
        byte[] raw = ReadMetadata(offset, sb.InodeSize, "xfs_dinode");
        if (sb.IsV5 && !XfsChecksum.Matches(raw, XfsDinode.Layout.Crc))
        {
            Warn($"xfs_dinode {ino} at offset {offset}: di_crc does not match the inode");
        }

        XfsDinode inode = XfsDinode.Parse(raw, offset, Source.Name, sb, ino);
        return new XfsNode(ino, offset, inode, raw);
    }

    private long InodeOffset(ulong ino, string structure, string field, long fieldOffset)
    {
        ulong agno = ino >> (sb.AgBlkLog + sb.InoPBLog);
        ulong agbno = (ino >> sb.InoPBLog) & ((1UL << sb.AgBlkLog) - 1);
        ulong index = ino & ((1UL << sb.InoPBLog) - 1);
        if (ino == 0 || agno >= sb.AgCount || agbno >= sb.AgBlocks)
        {
            throw new CorruptImageException(Source.Name, structure, field, fieldOffset,
                $"inode number {ino} names AG {agno} block {agbno}, outside {sb.AgCount} AGs of {sb.AgBlocks} blocks");
        }

        ulong block = (agno * sb.AgBlocks) + agbno;
        if (block >= sb.DBlocks)
        {
            throw new CorruptImageException(Source.Name, structure, field, fieldOffset, $"inode number {ino} lies beyond the last block {sb.DBlocks}");
        }

        return (long)((block << sb.BlockLog) + (index << sb.InodeLog));
    }

    /// <summary>The absolute offset of a file system block (AG number in the high bits), checking that <paramref name="count"/> blocks from it stay inside its AG and the device.</summary>
    private long BlockOffset(ulong fsb, ulong count, long fieldOffset, string structure = "xfs_bmbt_rec", string field = "br_startblock")
    {
        ulong agno = fsb >> sb.AgBlkLog;
        ulong agbno = fsb & ((1UL << sb.AgBlkLog) - 1);
        ulong block = (agno * sb.AgBlocks) + agbno;
        if (agno >= sb.AgCount || agbno >= sb.AgBlocks || count > sb.AgBlocks - agbno || block + count > sb.DBlocks)
        {
            throw new CorruptImageException(Source.Name, structure, field, fieldOffset,
                $"{count} blocks at AG {agno} block {agbno} lie outside {sb.AgCount} AGs of {sb.AgBlocks} blocks");
        }

        return (long)(block << sb.BlockLog);
    }

    /// <summary>The extents of the data fork that overlap file blocks [<paramref name="first"/>, <paramref name="end"/>), in order, with their records' offsets.</summary>
    private List<(XfsBmbtRec Rec, long RecordOffset)> CollectExtents(XfsNode node, ulong first, ulong end)
    {
        var result = new List<(XfsBmbtRec, long)>();
        ReadOnlySpan<byte> fork = node.DataFork;
        long forkOffset = node.DataForkOffset;
        switch (node.Inode.Format)
        {
            case XfsDinode.FormatExtents:
            {
                ulong previousEnd = 0;
                for (int i = 0; i < (int)node.Inode.NExtents; i++)
                {
                    long at = forkOffset + (i * XfsBmbtRec.Size);
                    XfsBmbtRec rec = XfsBmbtRec.Parse(fork[(i * XfsBmbtRec.Size)..], at, Source.Name);
                    Accept(rec, at, ref previousEnd, first, end, 0, ulong.MaxValue, result);
                }

                break;
            }

            case XfsDinode.FormatBtree:
            {
                XfsBmdrBlock bmdr = XfsBmdrBlock.Parse(fork, forkOffset, Source.Name, MaxBmbtLevel);
                Meter.CheckDepth(bmdr.Level, MaxBmbtLevel, "xfs_bmdr_block", "bb_level", forkOffset);
                var walk = new BmbtWalk(node, first, end, result);
                VisitBmbtNode(walk, node.Raw, node.Inode.CoreSize + bmdr.KeyOffset(0),
                    node.Inode.CoreSize + bmdr.PointerOffset(0), bmdr.NumRecs, bmdr.Level, 0, ulong.MaxValue, false, node.Offset);
                break;
            }

            default:
                throw new CorruptImageException(Source.Name, "xfs_dinode", "di_format", node.Offset + XfsDinode.Layout.Format,
                    $"inode {node.Ino} has no extent map (format {node.Inode.Format})");
        }

        return result;
    }

    private void Accept(in XfsBmbtRec rec, long at, ref ulong previousEnd, ulong first, ulong end, ulong low, ulong high, List<(XfsBmbtRec, long)> into)
    {
        if (rec.StartOff < previousEnd || rec.StartOff < low || rec.EndOff > high)
        {
            throw new CorruptImageException(Source.Name, "xfs_bmbt_rec", "br_startoff", at,
                $"extent at file block {rec.StartOff} overlaps the previous one or leaves its key range [{low}, {high})");
        }

        previousEnd = rec.EndOff;
        if (rec.EndOff <= first || rec.StartOff >= end)
        {
            return;
        }

        BlockOffset(rec.StartBlock, rec.BlockCount, at);
        if (into.Count >= MaxCollectedExtents)
        {
            throw new CorruptImageException(Source.Name, "xfs_bmbt_rec", "br_startoff", at, $"more than {MaxCollectedExtents} extents in one request", ImageProblem.LimitExceeded);
        }

        into.Add((rec, at));
    }

    /// <summary>Visits the children of one bmbt node (the in-inode root or a block) whose key ranges overlap the walk's range.</summary>
    private void VisitBmbtNode(BmbtWalk walk, byte[] buffer, int keyBase, int pointerBase, int numRecs, int level, ulong low, ulong high, bool firstKeyIsLow, long bufferDisk)
    {
        ulong previousKey = 0;
        for (int i = 0; i < numRecs; i++)
        {
            long keyAt = bufferDisk + keyBase + (i * 8);
            ulong key = BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(keyBase + (i * 8)));
            bool badFirst = i == 0 && firstKeyIsLow && key != low;
            if (badFirst || key < low || key >= high || (i > 0 && key <= previousKey))
            {
                throw new CorruptImageException(Source.Name, "xfs_bmbt_key", "br_startoff", keyAt,
                    $"key {key} is out of order or outside its parent's range [{low}, {high})");
            }

            previousKey = key;
            ulong next = i + 1 < numRecs ? BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(keyBase + ((i + 1) * 8))) : high;
            if (next <= key)
            {
                throw new CorruptImageException(Source.Name, "xfs_bmbt_key", "br_startoff", keyAt + 8, $"key {next} does not follow key {key}");
            }

            if (next <= walk.First || key >= walk.End)
            {
                continue;
            }

            long pointerAt = bufferDisk + pointerBase + (i * 8);
            ulong pointer = BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(pointerBase + (i * 8)));
            long childDisk = BlockOffset(pointer, 1, pointerAt, "xfs_bmbt_ptr", "ptr");
            if (!walk.Visited.Add(pointer))
            {
                throw new CorruptImageException(Source.Name, "xfs_bmbt_ptr", "ptr", pointerAt, $"bmbt block {pointer} is reached twice (a cycle)");
            }

            byte[] child = ReadMetadata(childDisk, blockSize, "xfs_btree_block");
            if (sb.IsV5 && !XfsChecksum.Matches(child, XfsBtreeBlock.Layout.LongCrc))
            {
                Warn($"xfs_btree_block at offset {childDisk}: bb_crc does not match the block");
            }

            XfsBtreeBlock header = XfsBtreeBlock.Parse(child, childDisk, Source.Name, sb.IsV5, true,
                sb.IsV5 ? XfsBtreeBlock.Bmap3Magic : XfsBtreeBlock.BmapMagic, XfsBmbtRec.Size);
            if (header.Level != level - 1)
            {
                throw new CorruptImageException(Source.Name, "xfs_btree_block", "bb_level", childDisk + XfsBtreeBlock.Layout.Level,
                    $"a level-{header.Level} block under a level-{level} node (levels must drop by one)");
            }

            if (sb.IsV5 && header.Owner != walk.Node.Ino)
            {
                throw new CorruptImageException(Source.Name, "xfs_btree_block", "bb_owner", childDisk + XfsBtreeBlock.Layout.LongOwner,
                    $"the block belongs to inode {header.Owner}, not {walk.Node.Ino}");
            }

            if (header.Level == 0)
            {
                for (int r = 0; r < header.NumRecs; r++)
                {
                    int recAt = header.HeaderSize + (r * XfsBmbtRec.Size);
                    XfsBmbtRec rec = XfsBmbtRec.Parse(child.AsSpan(recAt), childDisk + recAt, Source.Name);
                    if (r == 0 && rec.StartOff != key)
                    {
                        throw new CorruptImageException(Source.Name, "xfs_bmbt_rec", "br_startoff", childDisk + recAt,
                            $"the leaf starts at file block {rec.StartOff}, its key says {key}");
                    }

                    ulong previousEnd = walk.PreviousEnd;
                    Accept(rec, childDisk + recAt, ref previousEnd, walk.First, walk.End, key, next, walk.Result);
                    walk.PreviousEnd = previousEnd;
                }
            }
            else
            {
                int maxRecs = (blockSize - header.HeaderSize) / 16;
                VisitBmbtNode(walk, child, header.HeaderSize, header.HeaderSize + (maxRecs * 8), header.NumRecs, header.Level, key, next, true, childDisk);
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> for every entry except <c>.</c> and <c>..</c> until it returns true.</summary>
    private void WalkDirectory(XfsNode directory, DirectoryVisitor visit)
    {
        if (directory.Inode.Format == XfsDinode.FormatLocal)
        {
            WalkShortform(directory, visit);
            return;
        }

        if (directory.Inode.DataSize > DirectoryLeafOffset)
        {
            throw new CorruptImageException(Source.Name, "xfs_dinode", "di_size", directory.Offset + XfsDinode.Layout.Size,
                $"a directory of {directory.Inode.DataSize} bytes reaches past the data region");
        }

        ulong dataBlocks = (ulong)(DirectoryLeafOffset >> sb.BlockLog);
        ulong perDirBlock = 1UL << sb.DirBlkLog;
        foreach ((XfsBmbtRec rec, long recordOffset) in CollectExtents(directory, 0, dataBlocks))
        {
            if (rec.Unwritten)
            {
                throw new CorruptImageException(Source.Name, "xfs_bmbt_rec", "l0", recordOffset, "a directory block is an unwritten extent");
            }

            if (rec.StartOff % perDirBlock != 0 || rec.BlockCount % perDirBlock != 0)
            {
                throw new CorruptImageException(Source.Name, "xfs_bmbt_rec", "br_startoff", recordOffset,
                    "directory blocks split across extents are not supported", ImageProblem.Unsupported);
            }

            long disk = BlockOffset(rec.StartBlock, rec.BlockCount, recordOffset);
            for (ulong b = 0; b < rec.BlockCount && rec.StartOff + b < dataBlocks; b += perDirBlock)
            {
                long blockDisk = disk + (long)(b << sb.BlockLog);
                if (WalkDataBlock(directory, rec.StartOff + b, blockDisk, visit))
                {
                    return;
                }
            }
        }
    }

    private bool WalkDataBlock(XfsNode directory, ulong logicalBlock, long blockDisk, DirectoryVisitor visit)
    {
        byte[] block = ReadMetadata(blockDisk, dirBlockSize, "xfs_dir2_data_hdr");
        int headerSize;
        bool isBlock;
        if (sb.IsV5)
        {
            if (!XfsChecksum.Matches(block, XfsDir3DataHdr.Layout.Crc))
            {
                Warn($"xfs_dir3_data_hdr at offset {blockDisk}: crc does not match the directory block");
            }

            isBlock = XfsDir3DataHdr.Parse(block, blockDisk, Source.Name, directory.Ino).IsBlock;
            headerSize = XfsDir3DataHdr.Size;
        }
        else
        {
            isBlock = XfsDir2DataHdr.Parse(block, blockDisk, Source.Name).IsBlock;
            headerSize = XfsDir2DataHdr.Size;
        }

        int end = block.Length;
        if (isBlock)
        {
            if (logicalBlock != 0 || directory.Inode.DataSize != dirBlockSize)
            {
                throw new CorruptImageException(Source.Name, sb.IsV5 ? "xfs_dir3_data_hdr" : "xfs_dir2_data_hdr", "magic", blockDisk,
                    $"a single-block directory header in a {directory.Inode.DataSize}-byte directory at block {logicalBlock}");
            }

            end = XfsDir2BlockTail.Parse(block, blockDisk, Source.Name, headerSize).DataEnd;
        }

        for (int position = headerSize; position < end;)
        {
            Meter.ChargeDirectoryEntry("xfs_dir2_data_entry", blockDisk + position);
            XfsDir2DataEntry entry = XfsDir2DataEntry.Parse(block, position, end, blockDisk, Source.Name, sb.HasFType);
            if (!entry.IsFree)
            {
                ReadOnlySpan<byte> name = block.AsSpan(entry.NameOffset, entry.NameLength);
                bool dot = name is [(byte)'.'] or [(byte)'.', (byte)'.'];
                long inumberAt = blockDisk + position + XfsDir2DataEntry.Layout.Inumber;
                long fileTypeAt = blockDisk + entry.NameOffset + entry.NameLength;
                if (!dot && visit(name, entry.Inumber, entry.FileType, "xfs_dir2_data_entry", inumberAt, fileTypeAt))
                {
                    return true;
                }
            }

            position += entry.Length;
        }

        return false;
    }

    private void WalkShortform(XfsNode directory, DirectoryVisitor visit)
    {
        ReadOnlySpan<byte> data = directory.DataFork[..(int)directory.Inode.DataSize];
        long at = directory.DataForkOffset;
        XfsDir2SfHdr header = XfsDir2SfHdr.Parse(data, at, Source.Name);
        int position = header.HeaderSize;
        int wide = header.Parent > uint.MaxValue ? 1 : 0;
        bool stopped = false;
        for (int i = 0; i < header.Count; i++)
        {
            int needed = position > data.Length - XfsDir2SfEntry.Size
                ? int.MaxValue
                : XfsDir2SfEntry.Size + data[position + XfsDir2SfEntry.Layout.NameLen] + (sb.HasFType ? 1 : 0) + header.InodeNumberSize;
            if (needed > data.Length - position)
            {
                throw new CorruptImageException(Source.Name, "xfs_dir2_sf_hdr", "count", at + XfsDir2SfHdr.Layout.Count,
                    $"{header.Count} entries (i8count {header.I8Count}) do not fit the {data.Length}-byte directory (di_size): entry {i} at byte {position} would cross it");
            }

            Meter.ChargeDirectoryEntry("xfs_dir2_sf_entry", at + position);
            XfsDir2SfEntry entry = XfsDir2SfEntry.Parse(data, position, at, Source.Name, sb.HasFType, header.InodeNumberSize);
            if (entry.Inumber > uint.MaxValue)
            {
                wide++;
            }

            if (!stopped)
            {
                long inumberAt = at + entry.NameOffset + entry.NameLength + (sb.HasFType ? 1 : 0);
                stopped = visit(data.Slice(entry.NameOffset, entry.NameLength), entry.Inumber, entry.FileType, "xfs_dir2_sf_entry", inumberAt, at + entry.NameOffset + entry.NameLength);
            }

            position += entry.Length;
        }

        if (position != data.Length)
        {
            throw new CorruptImageException(Source.Name, "xfs_dir2_sf_hdr", "count", at + XfsDir2SfHdr.Layout.Count,
                $"{header.Count} entries occupy {position} bytes but di_size is {data.Length}");
        }

        if (wide != header.I8Count)
        {
            throw new CorruptImageException(Source.Name, "xfs_dir2_sf_hdr", "i8count", at + XfsDir2SfHdr.Layout.I8Count,
                $"i8count is {header.I8Count} but {wide} inode numbers (parent and entries) need 8 bytes");
        }
    }

    /// <summary>The state of one bmbt walk: the range wanted, the order check across leaves and the cycle check.</summary>
    private sealed class BmbtWalk
    {
        public BmbtWalk(XfsNode node, ulong first, ulong end, List<(XfsBmbtRec, long)> result)
        {
            Node = node;
            First = first;
            End = end;
            Result = result;
        }

        public XfsNode Node { get; }

        public ulong First { get; }

        public ulong End { get; }

        public List<(XfsBmbtRec, long)> Result { get; }

        public HashSet<ulong> Visited { get; } = [];

        public ulong PreviousEnd { get; set; }
    }
}
