using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Ext;

/// <summary>
/// A read-only ext2/ext3/ext4 reader: block maps (direct to triple-indirect), extent trees of any legal depth, linear
/// and htree directories, inline data, fast and slow symlinks, meta_bg, 32- and 64-bit descriptors, with crc32c
/// metadata checksums verified where present (a mismatch is a warning; the fields are still validated).
/// </summary>
internal sealed partial class ExtFileSystem : FileSystemReaderBase<ExtNode>
{
    private const uint RootInodeNumber = 2;

    private readonly Ext4SuperBlock superBlock;
    private readonly int blockSize;
    private readonly uint checksumSeed;
    private readonly long maxFileSize;
    private readonly long inodeTableBlocks;
    private readonly ExtNode root;

    private ExtFileSystem(IBlockSource source, FileSystemBudgets budgets, Ext4SuperBlock superBlock)
        : base(source, budgets)
    {
        this.superBlock = superBlock;
        blockSize = superBlock.BlockSize;
        maxFileSize = (long)blockSize << 32;
        inodeTableBlocks = (((long)superBlock.InodesPerGroup * superBlock.InodeSize) + blockSize - 1) / blockSize;
        checksumSeed = (superBlock.FeatureIncompat & Ext4SuperBlock.IncompatCsumSeed) != 0
            ? superBlock.ChecksumSeed
            : Crc32C.Append(~0u, superBlock.Uuid);
        root = LoadInode(RootInodeNumber, Ext4SuperBlock.StructureName, "s_inodes_count", Ext4SuperBlock.DiskOffset + Ext4SuperBlock.Layout.InodesCount);
        if (root.Inode.Type != FileSystemEntryType.Directory)
        {
            throw new CorruptImageException(source.Name, Ext4Inode.StructureName, "i_mode", root.DiskOffset + Ext4Inode.Layout.Mode,
                $"the root inode is a {root.Inode.Type}, not a directory");
        }
    }

    /// <inheritdoc />
    public override string FileSystemType => "ext2";

    /// <inheritdoc />
    public override string? Label
    {
        get
        {
            ReadOnlySpan<byte> name = superBlock.VolumeName;
            int end = name.IndexOf((byte)0);
            return PathBytes.ToDisplayString(end < 0 ? name : name[..end]);
        }
    }

    /// <inheritdoc />
    public override string? Uuid
    {
        get
        {
            string hex = Convert.ToHexStringLower(superBlock.Uuid);
            return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        }
    }

    /// <inheritdoc />
    protected override ExtNode RootNode => root;

    /// <summary>Whether the source carries the ext superblock magic.</summary>
    public static bool Matches(IBlockSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length < Ext4SuperBlock.DiskOffset + Ext4SuperBlock.Size)
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[2];
        source.ReadExactly(Ext4SuperBlock.DiskOffset + Ext4SuperBlock.Layout.Magic, magic);
        return BinaryPrimitives.ReadUInt16LittleEndian(magic) == Ext4SuperBlock.Magic;
    }

    /// <summary>Opens and validates an ext2/3/4 file system.</summary>
    public static ExtFileSystem Open(IBlockSource source, FileSystemBudgets budgets)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] raw = new byte[Ext4SuperBlock.Size];
        source.ReadStructure(Ext4SuperBlock.DiskOffset, raw, Ext4SuperBlock.StructureName);
        var warnings = new List<string>();
        if ((BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(Ext4SuperBlock.Layout.FeatureRoCompat)) & Ext4SuperBlock.RoCompatMetadataCsum) != 0)
        {
            uint expected = Crc32C.Append(~0u, raw.AsSpan(0, Ext4SuperBlock.Layout.Checksum));
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(Ext4SuperBlock.Layout.Checksum));
            if (expected != stored)
            {
                warnings.Add($"{Ext4SuperBlock.StructureName}.s_checksum at offset {Ext4SuperBlock.DiskOffset + Ext4SuperBlock.Layout.Checksum}: "
                    + $"stored 0x{stored:x8}, computed 0x{expected:x8}; the fields are validated anyway");
            }
        }

        var superBlock = Ext4SuperBlock.Parse(raw, Ext4SuperBlock.DiskOffset, source.Name, source.Length);
        if ((superBlock.FeatureIncompat & Ext4SuperBlock.IncompatRecover) != 0)
        {
            warnings.Add($"{Ext4SuperBlock.StructureName}.s_feature_incompat: the journal needs recovery; the file system is read as it is on disk, without replaying it (as GRUB does)");
        }

        var fs = new ExtFileSystem(source, budgets, superBlock);
        foreach (string warning in warnings)
        {
            fs.Warn(warning);
        }

        return fs;
    }

    /// <inheritdoc />
    protected override FileSystemEntryType TypeOf(ExtNode node) => node.Inode.Type;

    /// <inheritdoc />
    protected override long SizeOf(ExtNode node) => node.Inode.Size;

    /// <inheritdoc />
    protected override (string Structure, string Field, long Offset) SizeFieldOf(ExtNode node)
        => (Ext4Inode.StructureName, "i_size_lo", node.DiskOffset + Ext4Inode.Layout.SizeLo);

    /// <inheritdoc />
    protected override (string Structure, string Field, long Offset) TypeFieldOf(ExtNode node)
        => (Ext4Inode.StructureName, "i_mode", node.DiskOffset + Ext4Inode.Layout.Mode);

    /// <inheritdoc />
    protected override byte[] ReadSymlink(ExtNode node)
    {
        RefuseEncrypted(node);
        int size = (int)node.Inode.Size;
        if (node.Inode.HasInlineData)
        {
            return InlineBytes(node).AsSpan(0, size).ToArray();
        }

        if (size < Ext4Inode.BlockAreaSize && !node.Inode.HasExtents)
        {
            return node.Inode.Block[..size].ToArray();
        }

        byte[] target = new byte[size];
        ReadFileData(node, 0, target);
        return target;
    }

    /// <inheritdoc />
    protected override void ReadFileData(ExtNode file, long offset, Span<byte> destination)
    {
        RefuseEncrypted(file);
        if (file.Inode.HasInlineData)
        {
            byte[] inline = InlineBytes(file);
            inline.AsSpan((int)offset, destination.Length).CopyTo(destination);
            return;
        }

        long pendingDisk = -1;
        int pendingStart = 0;
        int pendingLength = 0;
        int done = 0;
        long position = offset;
        while (done < destination.Length)
        {
            int remaining = destination.Length - done;
            long logical = position / blockSize;
            int within = (int)(position % blockSize);
            long blocksWanted = ((long)within + remaining + blockSize - 1) / blockSize;
            BlockRun run = MapBlocks(file, logical, blocksWanted);
            int bytes = (int)Math.Min((run.Count * blockSize) - within, remaining);
            if (run.Physical >= 0)
            {
                long disk = (run.Physical * blockSize) + within;
                if (pendingDisk >= 0 && pendingDisk + pendingLength == disk && pendingLength <= int.MaxValue - bytes)
                {
                    pendingLength += bytes;
                }
                else
                {
                    Flush(destination, pendingDisk, pendingStart, pendingLength);
                    pendingDisk = disk;
                    pendingStart = done;
                    pendingLength = bytes;
                }
            }
            else
            {
                Flush(destination, pendingDisk, pendingStart, pendingLength);
                pendingDisk = -1;
                pendingLength = 0;
                destination.Slice(done, bytes).Clear();
            }

            done += bytes;
            position += bytes;
        }

        Flush(destination, pendingDisk, pendingStart, pendingLength);
    }

    private void Flush(Span<byte> destination, long disk, int start, int length)
    {
        if (disk >= 0 && length > 0)
        {
            ReadData(disk, destination.Slice(start, length), "file data", "offset");
        }
    }

    /// <summary>Maps logical blocks of a file through its extent tree or block map.</summary>
    private BlockRun MapBlocks(ExtNode file, long logical, long maxBlocks)
        => file.Inode.HasExtents ? MapExtents(file, logical, maxBlocks) : MapBlockMap(file, logical, maxBlocks);

    private void RefuseEncrypted(ExtNode node)
    {
        if ((node.Inode.Flags & Ext4Inode.FlagEncrypt) != 0)
        {
            throw new CorruptImageException(Source.Name, Ext4Inode.StructureName, "i_flags", node.DiskOffset + Ext4Inode.Layout.Flags,
                $"inode {node.Number} is encrypted (fscrypt); its contents cannot be read", ImageProblem.Unsupported);
        }
    }

    /// <summary>Reads, validates and checksums inode <paramref name="number"/>, named by the field at <paramref name="referrerOffset"/>.</summary>
    private ExtNode LoadInode(uint number, string referrerStructure, string referrerField, long referrerOffset)
    {
        if (number == 0 || number > superBlock.InodesCount)
        {
            throw new CorruptImageException(Source.Name, referrerStructure, referrerField, referrerOffset,
                $"inode number {number} is outside 1..{superBlock.InodesCount}");
        }

        uint group = (number - 1) / superBlock.InodesPerGroup;
        uint index = (number - 1) % superBlock.InodesPerGroup;
        ulong table = InodeTableOf(group);
        long diskOffset = checked(((long)table * blockSize) + ((long)index * superBlock.InodeSize));
        long blockStart = diskOffset - (diskOffset % blockSize);
        byte[] block = ReadMetadata(blockStart, blockSize, Ext4Inode.StructureName);
        var inode = Ext4Inode.Parse(block.AsSpan((int)(diskOffset - blockStart)), superBlock.InodeSize, maxFileSize, diskOffset, Source.Name);

        Span<byte> le = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(le, number);
        uint seed = Crc32C.Append(checksumSeed, le);
        BinaryPrimitives.WriteUInt32LittleEndian(le, inode.Generation);
        seed = Crc32C.Append(seed, le);
        if (superBlock.HasMetadataCsum)
        {
            VerifyInodeChecksum(inode, number, seed, diskOffset);
        }

        var node = new ExtNode(number, inode, diskOffset, seed);
        if (inode.Type == FileSystemEntryType.Symlink && inode.Size > Math.Min(blockSize, Budgets.MaxPathBytes))
        {
            throw new CorruptImageException(Source.Name, Ext4Inode.StructureName, "i_size_lo", diskOffset + Ext4Inode.Layout.SizeLo,
                $"a symlink of {inode.Size} bytes (at most {Math.Min(blockSize, Budgets.MaxPathBytes)})");
        }

        if (inode.Type == FileSystemEntryType.Directory && inode.HasInlineData && inode.Size < Ext4Inode.BlockAreaSize)
        {
            throw new CorruptImageException(Source.Name, Ext4Inode.StructureName, "i_size_lo", diskOffset + Ext4Inode.Layout.SizeLo,
                $"an inline directory of {inode.Size} bytes (at least {Ext4Inode.BlockAreaSize})");
        }

        return node;
    }

    private void VerifyInodeChecksum(Ext4Inode inode, uint number, uint seed, long diskOffset)
    {
        ReadOnlySpan<byte> raw = inode.Raw;
        ReadOnlySpan<byte> zero = [0, 0];
        uint crc = Crc32C.Append(seed, raw[..Ext4Inode.Layout.ChecksumLo]);
        crc = Crc32C.Append(crc, zero);
        crc = Crc32C.Append(crc, raw[(Ext4Inode.Layout.ChecksumLo + 2)..Ext4Inode.GoodOldSize]);
        if (raw.Length > Ext4Inode.GoodOldSize)
        {
            crc = Crc32C.Append(crc, raw[Ext4Inode.GoodOldSize..Ext4Inode.Layout.ChecksumHi]);
            int next = Ext4Inode.Layout.ChecksumHi;
            if (inode.HasChecksumHi)
            {
                crc = Crc32C.Append(crc, zero);
                next += 2;
            }

            crc = Crc32C.Append(crc, raw[next..]);
        }

        if (!inode.HasChecksumHi)
        {
            crc &= 0xFFFF;
        }

        if (crc != inode.Checksum)
        {
            Warn($"{Ext4Inode.StructureName} {number} at offset {diskOffset}: checksum 0x{inode.Checksum:x} stored, 0x{crc:x} computed; the fields are validated anyway");
        }
    }

    /// <summary>Reads group <paramref name="group"/>'s descriptor and returns its validated inode table block.</summary>
    private ulong InodeTableOf(uint group)
    {
        int descSize = superBlock.DescSize;
        int perBlock = blockSize / descSize;
        long descBlockIndex = group / perBlock;
        int indexInBlock = (int)(group % perBlock);
        ulong blockNumber;
        if (!superBlock.HasMetaBg || descBlockIndex < superBlock.FirstMetaBg)
        {
            blockNumber = superBlock.FirstDataBlock + 1 + (ulong)descBlockIndex;
        }
        else
        {
            ulong firstGroup = (ulong)descBlockIndex * (ulong)perBlock;
            blockNumber = superBlock.FirstDataBlock + (firstGroup * superBlock.BlocksPerGroup) + (GroupHasSuperBlock(firstGroup) ? 1u : 0u);
        }

        if (blockNumber >= superBlock.BlocksCount)
        {
            throw new CorruptImageException(Source.Name, Ext4SuperBlock.StructureName, "s_first_meta_bg",
                Ext4SuperBlock.DiskOffset + Ext4SuperBlock.Layout.FirstMetaBg,
                $"the descriptor block of group {group} ({blockNumber}) lies outside the {superBlock.BlocksCount} blocks");
        }

        long blockOffset = (long)blockNumber * blockSize;
        byte[] block = ReadMetadata(blockOffset, blockSize, Ext4GroupDesc.StructureName);
        long descOffset = blockOffset + ((long)indexInBlock * descSize);
        ReadOnlySpan<byte> raw = block.AsSpan(indexInBlock * descSize, descSize);
        var desc = Ext4GroupDesc.Parse(raw, descSize, descOffset, Source.Name);
        if (superBlock.HasMetadataCsum)
        {
            Span<byte> le = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(le, group);
            uint crc = Crc32C.Append(checksumSeed, le);
            crc = Crc32C.Append(crc, raw[..Ext4GroupDesc.Layout.Checksum]);
            crc = Crc32C.Append(crc, [0, 0]);
            if (descSize > Ext4GroupDesc.Layout.BlockBitmapHi)
            {
                crc = Crc32C.Append(crc, raw[Ext4GroupDesc.Layout.BlockBitmapHi..]);
            }

            if ((crc & 0xFFFF) != desc.Checksum)
            {
                Warn($"{Ext4GroupDesc.StructureName} {group} at offset {descOffset}: checksum 0x{desc.Checksum:x4} stored, 0x{crc & 0xFFFF:x4} computed; the fields are validated anyway");
            }
        }

        if (desc.InodeTable <= superBlock.FirstDataBlock || desc.InodeTable >= superBlock.BlocksCount
            || (ulong)inodeTableBlocks > superBlock.BlocksCount - desc.InodeTable)
        {
            throw new CorruptImageException(Source.Name, Ext4GroupDesc.StructureName, "bg_inode_table_lo", descOffset + Ext4GroupDesc.Layout.InodeTableLo,
                $"the inode table of group {group} ({inodeTableBlocks} blocks at {desc.InodeTable}) lies outside the {superBlock.BlocksCount} blocks");
        }

        return desc.InodeTable;
    }

    /// <summary>Whether a group holds a superblock backup (every group, or with sparse_super group 0, 1 and powers of 3, 5 and 7).</summary>
    private bool GroupHasSuperBlock(ulong group)
    {
        if (!superBlock.HasSparseSuper || group <= 1)
        {
            return true;
        }

        return IsPowerOf(group, 3) || IsPowerOf(group, 5) || IsPowerOf(group, 7);

        static bool IsPowerOf(ulong value, ulong b)
        {
            while (value % b == 0)
            {
                value /= b;
            }

            return value == 1;
        }
    }

    /// <summary>A run of logical blocks: physical blocks from <see cref="Physical"/>, or a hole (−1) that reads as zeros.</summary>
    private readonly record struct BlockRun(long Physical, long Count)
    {
        public static BlockRun Hole(long count) => new(-1, count);
    }
}
