using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>Which directory a btrfs reader starts at.</summary>
internal enum BtrfsRoot
{
    /// <summary>The top-level subvolume (id 5), as upstream GRUB: paths look like <c>/@/boot/vmlinuz</c>.</summary>
    TopLevel,

    /// <summary>The default subvolume (<c>btrfs subvolume set-default</c>), as SUSE's GRUB with <c>btrfs_relative_path</c>.</summary>
    Default,
}

/// <summary>
/// A read-only btrfs reader for one device: superblock (with mirror fallback), bootstrap chunk array, chunk tree,
/// root tree and subvolume trees; single, DUP and mirrored chunks; inline, regular, preallocated, sparse and
/// zlib/lzo/zstd-compressed extents. Subvolume entries are followed transparently.
/// </summary>
internal sealed class BtrfsFileSystem : FileSystemReaderBase<BtrfsInode>, ISubvolumeFileSystem
{
    private const int NodeCacheEntries = 1024;
    private const int MaxSubvolumeNesting = 64;
    private const int MaxTreeHeight = BtrfsConstants.MaxLevel + 1;

    private readonly BtrfsChunkMap chunks = new();
    private readonly Dictionary<ulong, BtrfsNode> nodes = [];
    private readonly Dictionary<ulong, BtrfsTree> subvolumes = [];
    private BtrfsSuperBlock superBlock;
    private BtrfsTree rootTree = null!;
    private BtrfsTree? csumTree;
    private BtrfsInode root = null!;
    private (ulong Bytenr, ulong DiskBytes, ulong RamBytes, byte Compression, byte[] Data)? lastExtent;

    private BtrfsFileSystem(IBlockSource source, FileSystemBudgets budgets)
        : base(source, budgets)
    {
    }

    /// <inheritdoc />
    public override string FileSystemType => "btrfs";

    /// <inheritdoc />
    public override string? Label => superBlock.Label.Length == 0 ? null : superBlock.Label;

    /// <inheritdoc />
    public override string? Uuid
    {
        get
        {
            string hex = Convert.ToHexStringLower(superBlock.Fsid);
            return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        }
    }

    /// <summary>The subvolume this reader's <c>/</c> is.</summary>
    internal ulong RootSubvolumeId => root.Tree.Id;

    /// <summary>The default subvolume (the root tree's <c>default</c> entry; 5 when unset).</summary>
    public ulong DefaultSubvolumeId { get; private set; }

    /// <inheritdoc />
    public ulong SubvolumeId => root.Tree.Id;

    /// <inheritdoc />
    public ulong TopLevelSubvolumeId => BtrfsConstants.FsTreeObjectId;

    /// <inheritdoc />
    protected override BtrfsInode RootNode => root;

    /// <summary>Whether the source carries the btrfs magic in the primary superblock or its first mirror.</summary>
    public static bool Matches(IBlockSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> magic = stackalloc byte[8];
        foreach (long offset in (ReadOnlySpan<long>)[BtrfsConstants.PrimarySuperBlockOffset, BtrfsConstants.MirrorSuperBlockOffsets[0]])
        {
            if (source.Length >= offset + BtrfsSuperBlock.Size)
            {
                source.ReadExactly(offset + BtrfsSuperBlock.Layout.Magic, magic);
                if (BinaryPrimitives.ReadUInt64LittleEndian(magic) == BtrfsSuperBlock.Magic)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Opens the file system with <c>/</c> at the top-level subvolume (the probe's view).</summary>
    public static IFileSystemReader Open(IBlockSource source, FileSystemBudgets budgets) => Open(source, budgets, BtrfsRoot.TopLevel);

    /// <summary>Opens the file system with <c>/</c> at the chosen subvolume.</summary>
    internal static BtrfsFileSystem Open(IBlockSource source, FileSystemBudgets budgets, BtrfsRoot view)
    {
        var fs = new BtrfsFileSystem(source, budgets);
        fs.Mount(view == BtrfsRoot.Default ? null : BtrfsConstants.FsTreeObjectId);
        return fs;
    }

    /// <inheritdoc />
    public IFileSystemReader? OpenSubvolume(ulong id)
    {
        Meter.Reset();
        if (!HasSubvolume(id))
        {
            return null;
        }

        var fs = new BtrfsFileSystem(Source, Budgets);
        fs.Mount(id);
        return fs;
    }

    /// <inheritdoc />
    public ulong? FindSubvolume(ReadOnlySpan<byte> path)
        => Lookup(path) is ReaderEntry<BtrfsInode> { Type: FileSystemEntryType.Directory, Node: var node } && node.ObjectId == node.Tree.RootDirId
            ? node.Tree.Id
            : null;

    /// <inheritdoc />
    public byte[]? SubvolumePath(ulong id)
    {
        Meter.Reset();
        var names = new List<byte[]>();
        var seen = new HashSet<ulong>();
        for (ulong current = id; current != BtrfsConstants.FsTreeObjectId;)
        {
            if (!HasSubvolume(current) || !seen.Add(current) || seen.Count > MaxSubvolumeNesting)
            {
                return null;
            }

            // The ROOT_BACKREF item (child, ROOT_BACKREF, parent) names the directory of the parent holding the child.
            if (FindFloor(rootTree, BtrfsKey.Last(current, BtrfsConstants.RootBackrefKey)) is not { } hit
                || hit.Node.KeyAt(hit.Index) is not { Type: BtrfsConstants.RootBackrefKey } backref || backref.ObjectId != current)
            {
                return null;
            }

            ReadOnlySpan<byte> data = hit.Node.ItemData(hit.Index);
            var reference = BtrfsRootRef.Parse(data, hit.Node.ItemDataOffset(hit.Index), Source.Name);
            names.Add(data.Slice(BtrfsRootRef.NameOffset, reference.NameLength).ToArray());
            ulong parent = backref.Offset;
            if (!HasSubvolume(parent) || !AppendDirectoryNames(Subvolume(parent, "btrfs_root_ref", "offset", -1), reference.DirId, names))
            {
                return null;
            }

            current = parent;
        }

        if (names.Count == 0)
        {
            return "/"u8.ToArray();
        }

        var path = new List<byte>();
        for (int i = names.Count - 1; i >= 0; i--)
        {
            path.Add((byte)'/');
            path.AddRange(names[i]);
        }

        return [.. path];
    }

    // Follows INODE_REF items from a directory up to its subvolume's top directory, adding each name (innermost first).
    private bool AppendDirectoryNames(BtrfsTree tree, ulong directory, List<byte[]> names)
    {
        long lastKey = -1;
        for (int steps = 0; directory != tree.RootDirId; steps++)
        {
            if (steps >= Budgets.MaxPathComponents)
            {
                throw new CorruptImageException(Source.Name, "btrfs_inode_ref", "offset", lastKey,
                    $"more than {Budgets.MaxPathComponents} parent directories above inode {directory} of subvolume {tree.Id} (a directory cycle?)",
                    ImageProblem.LimitExceeded);
            }

            if (FindFloor(tree, BtrfsKey.Last(directory, BtrfsConstants.InodeRefKey)) is not { } hit
                || hit.Node.KeyAt(hit.Index) is not { Type: BtrfsConstants.InodeRefKey } key || key.ObjectId != directory)
            {
                return false;
            }

            lastKey = hit.Node.EntryOffset(hit.Index) + BtrfsItem.Layout.Key + BtrfsKey.Layout.Offset;
            ReadOnlySpan<byte> data = hit.Node.ItemData(hit.Index);
            var reference = BtrfsInodeRef.Parse(data, hit.Node.ItemDataOffset(hit.Index), Source.Name);
            names.Add(data.Slice(BtrfsInodeRef.NameOffset, reference.NameLength).ToArray());
            directory = key.Offset;
        }

        return true;
    }

    // Whether the root tree holds a ROOT_ITEM for a subvolume id (the top level or an id in the subvolume range).
    private bool HasSubvolume(ulong id)
    {
        if (id != BtrfsConstants.FsTreeObjectId && id is < BtrfsConstants.FirstFreeObjectId or > BtrfsConstants.LastFreeObjectId)
        {
            return false;
        }

        return subvolumes.ContainsKey(id)
            || (FindFloor(rootTree, BtrfsKey.Last(id, BtrfsConstants.RootItemKey)) is { } hit
                && hit.Node.KeyAt(hit.Index).ObjectId == id && hit.Node.KeyAt(hit.Index).Type == BtrfsConstants.RootItemKey);
    }

    /// <summary>A second reader over the same source whose <c>/</c> is the chosen subvolume.</summary>
    internal BtrfsFileSystem OpenView(BtrfsRoot view) => Open(Source, Budgets, view);

    /// <summary>The superblock in use.</summary>
    internal BtrfsSuperBlock SuperBlock => superBlock;

    /// <summary>The root tree.</summary>
    internal BtrfsTree RootTree => rootTree;

    /// <summary>The tree blocks read so far (diagnostics and tests).</summary>
    internal IEnumerable<BtrfsNode> CachedNodes => nodes.Values;

    /// <summary>A subvolume's tree.</summary>
    internal BtrfsTree SubvolumeTree(ulong id) => Subvolume(id, "btrfs_root_item", "objectid", -1);

    /// <summary>The root block of a tree.</summary>
    internal BtrfsNode TreeRootNode(BtrfsTree tree) => ReadTreeRoot(tree);

    /// <summary>A child of an internal node.</summary>
    internal BtrfsNode ChildNode(BtrfsNode parent, int index) => ReadChild(parent, index);

    /// <summary>The leaf item with exactly this key, if any.</summary>
    internal (BtrfsNode Node, int Index)? FindItem(BtrfsTree tree, BtrfsKey key) => FindExact(tree, key);

    /// <summary>The absolute offsets of every copy of the block at <paramref name="logical"/>.</summary>
    internal IReadOnlyList<long> PhysicalCopies(ulong logical)
    {
        BtrfsChunk chunk = ChunkOf(logical, 1, "btrfs_chunk", "logical", -1);
        return [.. chunk.Stripes.Select(stripe => Physical(chunk, stripe, logical))];
    }

    /// <inheritdoc />
    protected override BtrfsInode? LookupChild(BtrfsInode directory, ReadOnlySpan<byte> name)
    {
        if (name.Length > BtrfsConstants.MaxNameLength)
        {
            return null;
        }

        var key = new BtrfsKey(directory.ObjectId, BtrfsConstants.DirItemKey, Crc32C.Append(0xFFFFFFFEu, name));
        (BtrfsNode Node, int Index)? hit = FindExact(directory.Tree, key);
        if (hit is not { } found)
        {
            return null;
        }

        ReadOnlySpan<byte> data = found.Node.ItemData(found.Index);
        long dataOffset = found.Node.ItemDataOffset(found.Index);
        for (int position = 0; position < data.Length;)
        {
            Meter.ChargeDirectoryEntry("btrfs_dir_item", dataOffset + position);
            BtrfsDirItem entry = BtrfsDirItem.Parse(data[position..], dataOffset + position, Source.Name);
            if (data.Slice(position + entry.NameOffset, entry.NameLength).SequenceEqual(name))
            {
                return Resolve(directory.Tree, entry, dataOffset + position);
            }

            position += entry.TotalSize;
        }

        return null;
    }

    /// <inheritdoc />
    protected override FileSystemEntryType TypeOf(BtrfsInode node) => node.Item.Type;

    /// <inheritdoc />
    protected override long SizeOf(BtrfsInode node) => node.Item.FileSize;

    /// <inheritdoc />
    protected override byte[] ReadSymlink(BtrfsInode node)
    {
        byte[] target = new byte[node.Item.FileSize];
        ReadFileData(node, 0, target);
        return target;
    }

    /// <inheritdoc />
    protected override void EnumerateDirectory(BtrfsInode directory, List<DirectoryListing> into)
    {
        Walk(directory.Tree, new BtrfsKey(directory.ObjectId, BtrfsConstants.DirIndexKey, 0),
            BtrfsKey.Last(directory.ObjectId, BtrfsConstants.DirIndexKey), (node, index) =>
            {
                ReadOnlySpan<byte> data = node.ItemData(index);
                long dataOffset = node.ItemDataOffset(index);
                for (int position = 0; position < data.Length;)
                {
                    Meter.ChargeDirectoryEntry("btrfs_dir_item", dataOffset + position);
                    BtrfsDirItem entry = BtrfsDirItem.Parse(data[position..], dataOffset + position, Source.Name);
                    into.Add(new DirectoryListing(data.Slice(position + entry.NameOffset, entry.NameLength).ToArray(), entry.EntryType));
                    position += entry.TotalSize;
                }

                return true;
            });
    }

    /// <inheritdoc />
    protected override void ReadFileData(BtrfsInode file, long offset, Span<byte> destination)
    {
        destination.Clear();
        if (destination.IsEmpty)
        {
            return;
        }

        ulong start = (ulong)offset;
        ulong end = start + (ulong)destination.Length;
        ulong ino = file.ObjectId;
        BtrfsKey from = new(ino, BtrfsConstants.ExtentDataKey, 0);
        if (FindFloor(file.Tree, new BtrfsKey(ino, BtrfsConstants.ExtentDataKey, start)) is { } floor)
        {
            BtrfsKey key = floor.Node.KeyAt(floor.Index);
            if (key.ObjectId == ino && key.Type == BtrfsConstants.ExtentDataKey)
            {
                from = key;
            }
        }

        // The walk's callback cannot capture a span, so extents are collected first (at most a few per megabyte).
        var extents = new List<(BtrfsNode Node, int Index)>();
        Walk(file.Tree, from, new BtrfsKey(ino, BtrfsConstants.ExtentDataKey, end - 1), (node, index) =>
        {
            extents.Add((node, index));
            return true;
        });

        foreach ((BtrfsNode node, int index) in extents)
        {
            CopyExtent(node, index, start, destination);
        }
    }

    private void CopyExtent(BtrfsNode node, int index, ulong start, Span<byte> destination)
    {
        BtrfsKey key = node.KeyAt(index);
        long itemOffset = node.ItemDataOffset(index);
        var extent = BtrfsFileExtentItem.Parse(node.ItemData(index), itemOffset, Source.Name, superBlock.SectorSize);
        if (key.Offset > ulong.MaxValue - extent.NumBytes)
        {
            throw new CorruptImageException(Source.Name, "btrfs_file_extent_item", "num_bytes", itemOffset + BtrfsFileExtentItem.Layout.NumBytes,
                $"the extent at file offset {key.Offset} with {extent.NumBytes} bytes wraps");
        }

        ulong end = start + (ulong)destination.Length;
        ulong first = Math.Max(start, key.Offset);
        ulong last = Math.Min(end, key.Offset + extent.NumBytes);
        if (first >= last)
        {
            return;
        }

        Span<byte> target = destination.Slice((int)(first - start), (int)(last - first));
        ulong within = first - key.Offset;
        if (extent.Type == BtrfsConstants.FileExtentInline)
        {
            if (key.Offset != 0)
            {
                throw new CorruptImageException(Source.Name, "btrfs_item", "key", node.EntryOffset(index),
                    $"an inline extent at file offset {key.Offset}: inline data only starts a file");
            }

            ReadOnlySpan<byte> stored = node.ItemData(index)[BtrfsFileExtentItem.InlineDataOffset..];
            if (extent.Compression == BtrfsConstants.CompressNone)
            {
                stored.Slice((int)within, target.Length).CopyTo(target);
                return;
            }

            byte[] inflated = new byte[extent.RamBytes];
            Inflate(extent, stored, inflated, itemOffset);
            inflated.AsSpan((int)within, target.Length).CopyTo(target);
            return;
        }

        if (extent.Type == BtrfsConstants.FileExtentPrealloc || extent.DiskBytenr == 0)
        {
            return;
        }

        if (extent.Compression == BtrfsConstants.CompressNone)
        {
            ReadLogical(extent.DiskBytenr + extent.Offset + within, target, "btrfs_file_extent_item", "disk_bytenr",
                itemOffset + BtrfsFileExtentItem.Layout.DiskBytenr);
            return;
        }

        byte[] data = CompressedExtent(extent, itemOffset);
        data.AsSpan((int)(extent.Offset + within), target.Length).CopyTo(target);
    }

    private byte[] CompressedExtent(BtrfsFileExtentItem extent, long itemOffset)
    {
        if (lastExtent is { } cached && cached.Bytenr == extent.DiskBytenr && cached.DiskBytes == extent.DiskNumBytes
            && cached.RamBytes == extent.RamBytes && cached.Compression == extent.Compression)
        {
            return cached.Data;
        }

        byte[] compressed = new byte[extent.DiskNumBytes];
        ReadLogical(extent.DiskBytenr, compressed, "btrfs_file_extent_item", "disk_bytenr", itemOffset + BtrfsFileExtentItem.Layout.DiskBytenr);
        byte[] inflated = new byte[extent.RamBytes];
        Inflate(extent, compressed, inflated, itemOffset);
        lastExtent = (extent.DiskBytenr, extent.DiskNumBytes, extent.RamBytes, extent.Compression, inflated);
        return inflated;
    }

    private void Inflate(BtrfsFileExtentItem extent, ReadOnlySpan<byte> compressed, byte[] output, long itemOffset)
    {
        int produced;
        try
        {
            produced = BtrfsDecompressor.Decompress(extent.Compression, compressed, output, (int)superBlock.SectorSize);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptImageException(Source.Name, "btrfs_file_extent_item", "disk_bytenr", itemOffset + BtrfsFileExtentItem.Layout.DiskBytenr,
                $"the compressed extent cannot be decompressed: {e.Message}", ImageProblem.Corrupt, e);
        }

        if (produced < 0)
        {
            throw new CorruptImageException(Source.Name, "btrfs_file_extent_item", "ram_bytes", itemOffset + BtrfsFileExtentItem.Layout.RamBytes,
                $"the compressed extent inflates past its ram_bytes of {extent.RamBytes}");
        }
    }

    // Mounts with / at subvolume id, or at the default subvolume when id is null.
    private void Mount(ulong? subvolume)
    {
        superBlock = ReadSuperBlock();
        if (!BtrfsChecksum.CanVerify(superBlock.CsumType))
        {
            Warn($"{Source.Name}: {BtrfsChecksum.Name(superBlock.CsumType)} metadata checksums are not verified");
        }

        LoadSystemChunks();
        LoadChunkTree();
        rootTree = new BtrfsTree(BtrfsConstants.RootTreeObjectId, superBlock.Root, superBlock.RootLevel, 0);
        DefaultSubvolumeId = FindDefaultSubvolume();
        if (FindFloor(rootTree, BtrfsKey.Last(BtrfsConstants.CsumTreeObjectId, BtrfsConstants.RootItemKey)) is { } csumRoot
            && csumRoot.Node.KeyAt(csumRoot.Index).ObjectId == BtrfsConstants.CsumTreeObjectId
            && csumRoot.Node.KeyAt(csumRoot.Index).Type == BtrfsConstants.RootItemKey)
        {
            var item = BtrfsRootItem.Parse(csumRoot.Node.ItemData(csumRoot.Index), csumRoot.Node.ItemDataOffset(csumRoot.Index), Source.Name);
            csumTree = new BtrfsTree(BtrfsConstants.CsumTreeObjectId, item.Bytenr, item.Level, 0);
        }
        ulong id = subvolume ?? DefaultSubvolumeId;
        BtrfsTree tree = Subvolume(id, "btrfs_super_block", "root", superBlock.DiskOffset + BtrfsSuperBlock.Layout.Root);
        root = LoadInode(tree, tree.RootDirId, "btrfs_root_item", "root_dirid", -1);
        if (root.Item.Type != FileSystemEntryType.Directory)
        {
            throw new CorruptImageException(Source.Name, "btrfs_inode_item", "mode", -1,
                $"the top directory of subvolume {id} is not a directory");
        }
    }

    private BtrfsSuperBlock ReadSuperBlock()
    {
        byte[]? primary = ReadSuperBlockCopy(BtrfsConstants.PrimarySuperBlockOffset, out bool primaryGood);
        if (primary is not null && primaryGood)
        {
            return BtrfsSuperBlock.Parse(primary, BtrfsConstants.PrimarySuperBlockOffset, Source.Name);
        }

        foreach (long mirror in BtrfsConstants.MirrorSuperBlockOffsets)
        {
            if (ReadSuperBlockCopy(mirror, out bool good) is { } copy && good)
            {
                Warn($"{Source.Name}: the primary superblock is damaged; using the mirror at offset {mirror}");
                return BtrfsSuperBlock.Parse(copy, mirror, Source.Name);
            }
        }

        if (primary is not null && BtrfsSuperBlock.HasMagic(primary))
        {
            Warn($"{Source.Name}: superblock checksum mismatch and no good mirror; validating the primary's fields");
        }

        primary ??= ReadMetadata(BtrfsConstants.PrimarySuperBlockOffset, BtrfsSuperBlock.Size, "btrfs_super_block");
        return BtrfsSuperBlock.Parse(primary, BtrfsConstants.PrimarySuperBlockOffset, Source.Name);
    }

    private byte[]? ReadSuperBlockCopy(long offset, out bool good)
    {
        good = false;
        if (Source.Length < offset + BtrfsSuperBlock.Size)
        {
            return null;
        }

        byte[] bytes = ReadMetadata(offset, BtrfsSuperBlock.Size, "btrfs_super_block");
        if (BtrfsSuperBlock.HasMagic(bytes))
        {
            // A copy whose csum_type is unknown cannot be verified, so it is not good: a mirror that verifies wins, and
            // only when none does is the primary's csum_type reported (as unsupported) by the parse.
            ushort csumType = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(BtrfsSuperBlock.Layout.CsumType));
            good = csumType <= BtrfsConstants.CsumBlake2b && BtrfsChecksum.Verify(bytes, csumType);
        }

        return bytes;
    }

    private void LoadSystemChunks()
    {
        byte[] array = superBlock.SysChunkArray;
        long arrayOffset = superBlock.DiskOffset + BtrfsSuperBlock.Layout.SysChunkArray;
        for (int position = 0; position < array.Length;)
        {
            long at = arrayOffset + position;
            if (array.Length - position < BtrfsKey.Size + BtrfsChunk.Size)
            {
                throw new CorruptImageException(Source.Name, "btrfs_super_block", "sys_chunk_array", at,
                    $"{array.Length - position} bytes left in the bootstrap chunk array are too few for a key and a chunk");
            }

            BtrfsKey key = BtrfsKey.Parse(array.AsSpan(position), at, Source.Name);
            if (key.Type != BtrfsConstants.ChunkItemKey)
            {
                throw new CorruptImageException(Source.Name, "btrfs_disk_key", "type", at + BtrfsKey.Layout.Type,
                    $"the bootstrap chunk array holds a key of type {key.Type}, not a chunk");
            }

            position += BtrfsKey.Size;
            BtrfsChunk chunk = BtrfsChunk.Parse(array.AsSpan(position), arrayOffset + position, Source.Name, key.Offset, superBlock.SectorSize);
            chunks.Add(chunk, Source.Name);
            position += BtrfsChunk.RecordSize(chunk.Stripes.Count);
        }
    }

    private void LoadChunkTree()
    {
        var chunkTree = new BtrfsTree(BtrfsConstants.ChunkTreeObjectId, superBlock.ChunkRoot, superBlock.ChunkRootLevel, 0);
        Walk(chunkTree, new BtrfsKey(BtrfsConstants.FirstChunkTreeObjectId, BtrfsConstants.ChunkItemKey, 0),
            BtrfsKey.Last(BtrfsConstants.FirstChunkTreeObjectId, BtrfsConstants.ChunkItemKey), (node, index) =>
            {
                ReadOnlySpan<byte> data = node.ItemData(index);
                long at = node.ItemDataOffset(index);
                BtrfsChunk chunk = BtrfsChunk.Parse(data, at, Source.Name, node.KeyAt(index).Offset, superBlock.SectorSize);
                if (BtrfsChunk.RecordSize(chunk.Stripes.Count) != data.Length)
                {
                    throw new CorruptImageException(Source.Name, "btrfs_chunk", "num_stripes", at + BtrfsChunk.Layout.NumStripes,
                        $"{chunk.Stripes.Count} stripes do not fill the {data.Length}-byte chunk item");
                }

                chunks.Add(chunk, Source.Name);
                return true;
            });
    }

    private ulong FindDefaultSubvolume()
    {
        ReadOnlySpan<byte> name = "default"u8;
        var key = new BtrfsKey(BtrfsConstants.RootTreeDirObjectId, BtrfsConstants.DirItemKey, Crc32C.Append(0xFFFFFFFEu, name));
        if (FindExact(rootTree, key) is not { } hit)
        {
            return BtrfsConstants.FsTreeObjectId;
        }

        ReadOnlySpan<byte> data = hit.Node.ItemData(hit.Index);
        long dataOffset = hit.Node.ItemDataOffset(hit.Index);
        for (int position = 0; position < data.Length;)
        {
            BtrfsDirItem entry = BtrfsDirItem.Parse(data[position..], dataOffset + position, Source.Name);
            if (data.Slice(position + entry.NameOffset, entry.NameLength).SequenceEqual(name))
            {
                return entry.Location.ObjectId;
            }

            position += entry.TotalSize;
        }

        return BtrfsConstants.FsTreeObjectId;
    }

    private BtrfsInode Resolve(BtrfsTree tree, BtrfsDirItem entry, long entryOffset)
    {
        long locationOffset = entryOffset + BtrfsDirItem.Layout.Location;
        if (entry.Location.Type == BtrfsConstants.RootItemKey)
        {
            BtrfsTree subvolume = Subvolume(entry.Location.ObjectId, "btrfs_dir_item", "location", locationOffset);
            return LoadInode(subvolume, subvolume.RootDirId, "btrfs_root_item", "root_dirid", locationOffset);
        }

        return LoadInode(tree, entry.Location.ObjectId, "btrfs_dir_item", "location", locationOffset);
    }

    private BtrfsTree Subvolume(ulong id, string structure, string field, long offset)
    {
        if (subvolumes.TryGetValue(id, out BtrfsTree? known))
        {
            return known;
        }

        if (id != BtrfsConstants.FsTreeObjectId && id is < BtrfsConstants.FirstFreeObjectId or > BtrfsConstants.LastFreeObjectId)
        {
            throw new CorruptImageException(Source.Name, structure, field, offset, $"{id} is not a subvolume id");
        }

        if (FindFloor(rootTree, BtrfsKey.Last(id, BtrfsConstants.RootItemKey)) is not { } hit
            || hit.Node.KeyAt(hit.Index).ObjectId != id || hit.Node.KeyAt(hit.Index).Type != BtrfsConstants.RootItemKey)
        {
            throw new CorruptImageException(Source.Name, structure, field, offset, $"subvolume {id} has no root item");
        }

        var item = BtrfsRootItem.Parse(hit.Node.ItemData(hit.Index), hit.Node.ItemDataOffset(hit.Index), Source.Name);
        var tree = new BtrfsTree(id, item.Bytenr, item.Level, item.RootDirId);
        subvolumes[id] = tree;
        return tree;
    }

    private BtrfsInode LoadInode(BtrfsTree tree, ulong objectId, string structure, string field, long offset)
    {
        if (FindExact(tree, new BtrfsKey(objectId, BtrfsConstants.InodeItemKey, 0)) is not { } hit)
        {
            throw new CorruptImageException(Source.Name, structure, field, offset, $"inode {objectId} of subvolume {tree.Id} does not exist");
        }

        return new BtrfsInode(tree, objectId, BtrfsInodeItem.Parse(hit.Node.ItemData(hit.Index), hit.Node.ItemDataOffset(hit.Index), Source.Name));
    }

    private (BtrfsNode Node, int Index)? FindExact(BtrfsTree tree, BtrfsKey key)
        => FindFloor(tree, key) is { } hit && hit.Node.KeyAt(hit.Index) == key ? hit : null;

    // The item with the largest key not above the target, or null when every key is above it.
    private (BtrfsNode Node, int Index)? FindFloor(BtrfsTree tree, BtrfsKey target)
    {
        BtrfsNode node = ReadTreeRoot(tree);
        for (int depth = 0; ; depth++)
        {
            Meter.CheckDepth(depth, MaxTreeHeight, "btrfs_header", "level", node.DiskOffset + BtrfsHeader.Layout.Level);
            int index = -1;
            for (int i = 0; i < node.Count && node.KeyAt(i) <= target; i++)
            {
                index = i;
            }

            if (index < 0)
            {
                return null;
            }

            if (node.IsLeaf)
            {
                return (node, index);
            }

            node = ReadChild(node, index);
        }
    }

    // Visits the leaf items with from <= key <= to in key order until the visitor returns false.
    private void Walk(BtrfsTree tree, BtrfsKey from, BtrfsKey to, Func<BtrfsNode, int, bool> visit)
        => WalkNode(ReadTreeRoot(tree), from, to, visit, 0);

    private bool WalkNode(BtrfsNode node, BtrfsKey from, BtrfsKey to, Func<BtrfsNode, int, bool> visit, int depth)
    {
        Meter.CheckDepth(depth, MaxTreeHeight, "btrfs_header", "level", node.DiskOffset + BtrfsHeader.Layout.Level);
        for (int i = 0; i < node.Count; i++)
        {
            BtrfsKey key = node.KeyAt(i);
            if (node.IsLeaf)
            {
                if (key < from)
                {
                    continue;
                }

                if (key > to || !visit(node, i))
                {
                    return false;
                }

                continue;
            }

            if (i + 1 < node.Count && node.KeyAt(i + 1) <= from)
            {
                continue;
            }

            if (key > to || !WalkNode(ReadChild(node, i), from, to, visit, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private BtrfsNode ReadTreeRoot(BtrfsTree tree)
        => ReadNode(tree.Bytenr, tree.Level, 0, "btrfs_root_item", "bytenr", -1);

    private BtrfsNode ReadChild(BtrfsNode parent, int index)
    {
        BtrfsKeyPtr pointer = parent.Pointers[index];
        long at = parent.EntryOffset(index);
        BtrfsNode child = ReadNode(pointer.BlockPtr, parent.Header.Level - 1, pointer.Generation, "btrfs_key_ptr", "blockptr", at + BtrfsKeyPtr.Layout.BlockPtr);
        if (child.Count == 0 || child.KeyAt(0) != pointer.Key)
        {
            throw new CorruptImageException(Source.Name, "btrfs_key_ptr", "key", at,
                $"the child at logical {pointer.BlockPtr} does not start with the key {pointer.Key} its parent records");
        }

        return child;
    }

    private BtrfsNode ReadNode(ulong logical, int expectedLevel, ulong expectedGeneration, string structure, string field, long referenceOffset)
    {
        if (!nodes.TryGetValue(logical, out BtrfsNode? node))
        {
            node = LoadNode(logical, structure, field, referenceOffset);
            if (nodes.Count >= NodeCacheEntries)
            {
                nodes.Clear();
            }

            nodes[logical] = node;
        }
        else
        {
            Meter.ChargeMetadataBlock("btrfs_header", node.DiskOffset);
        }

        if (node.Header.Level != expectedLevel)
        {
            throw new CorruptImageException(Source.Name, "btrfs_header", "level", node.DiskOffset + BtrfsHeader.Layout.Level,
                $"the block at logical {logical} has level {node.Header.Level} where level {expectedLevel} is expected (levels drop by one per step)");
        }

        if (expectedGeneration != 0 && node.Header.Generation != expectedGeneration)
        {
            throw new CorruptImageException(Source.Name, "btrfs_header", "generation", node.DiskOffset + BtrfsHeader.Layout.Generation,
                $"the block at logical {logical} has generation {node.Header.Generation}; its parent expects {expectedGeneration}");
        }

        return node;
    }

    private BtrfsNode LoadNode(ulong logical, string structure, string field, long referenceOffset)
    {
        int size = (int)superBlock.NodeSize;
        BtrfsChunk chunk = ChunkOf(logical, (ulong)size, structure, field, referenceOffset);
        byte[]? first = null;
        long firstOffset = -1;
        foreach (BtrfsStripe stripe in chunk.Stripes)
        {
            long physical = Physical(chunk, stripe, logical);
            if (first is not null && (physical > Source.Length - size))
            {
                continue;
            }

            byte[] bytes = ReadMetadata(physical, size, "btrfs_header");
            if (BtrfsChecksum.Verify(bytes, superBlock.CsumType))
            {
                return BtrfsNode.Parse(bytes, physical, Source.Name, logical, superBlock.MetadataFsid);
            }

            if (first is null)
            {
                first = bytes;
                firstOffset = physical;
            }
        }

        Warn($"{Source.Name}: tree block at logical {logical}: {BtrfsChecksum.Name(superBlock.CsumType)} mismatch in every copy");
        return BtrfsNode.Parse(first!, firstOffset, Source.Name, logical, superBlock.MetadataFsid);
    }

    private void ReadLogical(ulong logical, Span<byte> destination, string structure, string field, long referenceOffset)
    {
        while (!destination.IsEmpty)
        {
            BtrfsChunk chunk = ChunkOf(logical, 1, structure, field, referenceOffset);
            int count = (int)Math.Min((ulong)destination.Length, chunk.Logical + chunk.Length - logical);
            if (chunk.Stripes.Count > 1 && csumTree is not null && BtrfsChecksum.CanVerify(superBlock.CsumType))
            {
                ReadVerifiedCopy(chunk, logical, destination[..count]);
            }
            else
            {
                ReadStripe(chunk, chunk.Stripes[0], logical, destination[..count]);
            }

            destination = destination[count..];
            logical += (ulong)count;
        }
    }

    private void ReadStripe(BtrfsChunk chunk, BtrfsStripe stripe, ulong logical, Span<byte> destination)
    {
        long physical = Physical(chunk, stripe, logical);
        Source.CheckRange(physical, destination.Length, "btrfs_stripe", "offset");
        Source.ReadExactly(physical, destination);
    }

    // Reads from the first copy and checks each whole sector against the checksum tree; a sector that does not match
    // is read from the next copy, and the first copy that matches wins (DUP, RAID1). Sectors without a checksum
    // (nodatasum files) are taken from the first copy.
    private void ReadVerifiedCopy(BtrfsChunk chunk, ulong logical, Span<byte> destination)
    {
        ulong sectorSize = superBlock.SectorSize;
        ulong first = logical - ((logical - chunk.Logical) % sectorSize);
        ulong end = logical + (ulong)destination.Length;
        ulong last = Math.Min(chunk.Logical + chunk.Length, end + ((sectorSize - ((end - chunk.Logical) % sectorSize)) % sectorSize));
        byte[] buffer = new byte[last - first];
        ReadStripe(chunk, chunk.Stripes[0], first, buffer);
        int csumSize = BtrfsChecksum.Size(superBlock.CsumType);
        byte[] expected = new byte[csumSize];
        for (ulong sector = first; sector < last; sector += sectorSize)
        {
            Span<byte> data = buffer.AsSpan((int)(sector - first), (int)Math.Min(sectorSize, last - sector));
            if (data.Length != (int)sectorSize || !DataChecksum(sector, expected) || BtrfsChecksum.VerifyData(data, expected, superBlock.CsumType))
            {
                continue;
            }

            bool repaired = false;
            for (int copy = 1; copy < chunk.Stripes.Count && !repaired; copy++)
            {
                byte[] other = new byte[sectorSize];
                ReadStripe(chunk, chunk.Stripes[copy], sector, other);
                if (BtrfsChecksum.VerifyData(other, expected, superBlock.CsumType))
                {
                    other.CopyTo(data);
                    repaired = true;
                }
            }

            if (!repaired)
            {
                Warn($"{Source.Name}: data at logical {sector}: {BtrfsChecksum.Name(superBlock.CsumType)} mismatch in every copy");
            }
        }

        buffer.AsSpan((int)(logical - first), destination.Length).CopyTo(destination);
    }

    // Looks up the checksum of the data sector at logical address <paramref name="sector"/>.
    private bool DataChecksum(ulong sector, Span<byte> expected)
    {
        if (csumTree is null || FindFloor(csumTree, new BtrfsKey(BtrfsConstants.ExtentCsumObjectId, BtrfsConstants.ExtentCsumKey, sector)) is not { } hit)
        {
            return false;
        }

        BtrfsKey key = hit.Node.KeyAt(hit.Index);
        if (key.ObjectId != BtrfsConstants.ExtentCsumObjectId || key.Type != BtrfsConstants.ExtentCsumKey)
        {
            return false;
        }

        ReadOnlySpan<byte> sums = hit.Node.ItemData(hit.Index);
        ulong index = (sector - key.Offset) / superBlock.SectorSize;
        if (index >= (ulong)(sums.Length / expected.Length))
        {
            return false;
        }

        sums.Slice((int)index * expected.Length, expected.Length).CopyTo(expected);
        return true;
    }

    private BtrfsChunk ChunkOf(ulong logical, ulong length, string structure, string field, long referenceOffset)
    {
        if (chunks.Find(logical) is not { } chunk)
        {
            throw new CorruptImageException(Source.Name, structure, field, referenceOffset, $"logical address {logical} lies in no chunk");
        }

        if (length > chunk.Logical + chunk.Length - logical)
        {
            throw new CorruptImageException(Source.Name, structure, field, referenceOffset,
                $"{length} bytes at logical {logical} run past the end of their chunk ({chunk.Logical}+{chunk.Length})");
        }

        return chunk;
    }

    private long Physical(BtrfsChunk chunk, BtrfsStripe stripe, ulong logical)
    {
        if (stripe.DevId != superBlock.DevId)
        {
            throw new CorruptImageException(Source.Name, "btrfs_stripe", "devid", stripe.DiskOffset + BtrfsStripe.Layout.DevId,
                $"the chunk at logical {chunk.Logical} lives on device {stripe.DevId}; only device {superBlock.DevId} is present", ImageProblem.Unsupported);
        }

        ulong physical = stripe.Offset + (logical - chunk.Logical);
        if (physical < stripe.Offset || physical > long.MaxValue)
        {
            throw new CorruptImageException(Source.Name, "btrfs_stripe", "offset", stripe.DiskOffset + BtrfsStripe.Layout.Offset,
                $"stripe offset {stripe.Offset} puts logical {logical} beyond 2^63");
        }

        return (long)physical;
    }
}
