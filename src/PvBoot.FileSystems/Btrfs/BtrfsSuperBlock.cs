using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_super_block</c>: the fixed-place description of the file system (primary copy at 64 KiB).</summary>
internal sealed class BtrfsSuperBlock
{
    /// <summary>The on-disk size (one 4 KiB block, checksummed from <see cref="Layout.Fsid"/> to the end).</summary>
    public const int Size = 4096;

    /// <summary>The size of the bootstrap chunk array.</summary>
    public const int SysChunkArrayCapacity = 2048;

    /// <summary>"_BHRfS_M" read as a little-endian 64-bit number.</summary>
    public const ulong Magic = 0x4D5F53665248425FUL;

    private BtrfsSuperBlock()
    {
    }

    /// <summary>The absolute offset this copy was read from.</summary>
    public long DiskOffset { get; private init; }

    /// <summary>The file system id.</summary>
    public byte[] Fsid { get; private init; } = [];

    /// <summary>The id tree blocks carry (<c>metadata_uuid</c> when that feature is on, else <see cref="Fsid"/>).</summary>
    public byte[] MetadataFsid { get; private init; } = [];

    /// <summary>The transaction that wrote this copy.</summary>
    public ulong Generation { get; private init; }

    /// <summary>Logical address of the root tree's root.</summary>
    public ulong Root { get; private init; }

    /// <summary>Logical address of the chunk tree's root.</summary>
    public ulong ChunkRoot { get; private init; }

    /// <summary>Number of devices.</summary>
    public ulong NumDevices { get; private init; }

    /// <summary>Data block size.</summary>
    public uint SectorSize { get; private init; }

    /// <summary>Tree block size.</summary>
    public uint NodeSize { get; private init; }

    /// <summary>Bytes used in <see cref="SysChunkArray"/>.</summary>
    public uint SysChunkArraySize { get; private init; }

    /// <summary>Incompatible feature bits.</summary>
    public ulong IncompatFlags { get; private init; }

    /// <summary>The checksum algorithm.</summary>
    public ushort CsumType { get; private init; }

    /// <summary>Level of the root tree's root.</summary>
    public byte RootLevel { get; private init; }

    /// <summary>Level of the chunk tree's root.</summary>
    public byte ChunkRootLevel { get; private init; }

    /// <summary>This device's id (<c>dev_item.devid</c>).</summary>
    public ulong DevId { get; private init; }

    /// <summary>The label, up to the first NUL.</summary>
    public string Label { get; private init; } = string.Empty;

    /// <summary>A copy of the bootstrap chunk array (only <see cref="SysChunkArraySize"/> bytes).</summary>
    public byte[] SysChunkArray { get; private init; } = [];

    /// <summary>Whether the bytes carry the btrfs magic at <see cref="Layout.Magic"/>.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> span)
        => span.Length >= Layout.Magic + 8 && BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Magic..]) == Magic;

    /// <summary>Parses and validates a superblock copy (the checksum is checked by the caller).</summary>
    public static BtrfsSuperBlock Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_super_block", "csum", diskOffset, $"{span.Length} bytes are too few for a superblock");
        }

        if (!HasMagic(span))
        {
            throw Error("magic", Layout.Magic, "the btrfs magic \"_BHRfS_M\" is missing");
        }

        ulong bytenr = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Bytenr..]);
        if (bytenr != (ulong)diskOffset)
        {
            throw Error("bytenr", Layout.Bytenr, $"the superblock says it lives at {bytenr}, not at {diskOffset}");
        }

        uint sectorSize = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.SectorSize..]);
        if (sectorSize is < 4096 or > 65536 || !BitOperations.IsPow2(sectorSize))
        {
            throw Error("sectorsize", Layout.SectorSize, $"sector size {sectorSize} is not a power of two between 4096 and 65536");
        }

        uint nodeSize = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.NodeSize..]);
        if (nodeSize < sectorSize || nodeSize > 65536 || !BitOperations.IsPow2(nodeSize))
        {
            throw Error("nodesize", Layout.NodeSize, $"node size {nodeSize} is not a power of two between the sector size {sectorSize} and 65536");
        }

        uint arraySize = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.SysChunkArraySize..]);
        if (arraySize > SysChunkArrayCapacity)
        {
            throw Error("sys_chunk_array_size", Layout.SysChunkArraySize,
                $"the bootstrap chunk array claims {arraySize} bytes, more than its {SysChunkArrayCapacity}-byte field");
        }

        ulong numDevices = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.NumDevices..]);
        if (numDevices == 0)
        {
            throw Error("num_devices", Layout.NumDevices, "the file system has no devices");
        }

        if (numDevices > 1)
        {
            throw new CorruptImageException(source, "btrfs_super_block", "num_devices", diskOffset + Layout.NumDevices,
                $"a multi-device file system ({numDevices} devices) cannot be read from one device (RAID1 across devices)",
                ImageProblem.Unsupported);
        }

        ushort csumType = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.CsumType..]);
        if (csumType > BtrfsConstants.CsumBlake2b)
        {
            throw new CorruptImageException(source, "btrfs_super_block", "csum_type", diskOffset + Layout.CsumType,
                $"checksum algorithm {csumType} is unknown", ImageProblem.Unsupported);
        }

        ulong incompat = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.IncompatFlags..]);
        if ((incompat & ~BtrfsConstants.IncompatKnown) != 0)
        {
            throw new CorruptImageException(source, "btrfs_super_block", "incompat_flags", diskOffset + Layout.IncompatFlags,
                $"incompatible features 0x{incompat & ~BtrfsConstants.IncompatKnown:X} are not supported", ImageProblem.Unsupported);
        }

        byte rootLevel = span[Layout.RootLevel];
        if (rootLevel > BtrfsConstants.MaxLevel)
        {
            throw Error("root_level", Layout.RootLevel, $"root tree level {rootLevel} exceeds {BtrfsConstants.MaxLevel}");
        }

        byte chunkRootLevel = span[Layout.ChunkRootLevel];
        if (chunkRootLevel > BtrfsConstants.MaxLevel)
        {
            throw Error("chunk_root_level", Layout.ChunkRootLevel, $"chunk tree level {chunkRootLevel} exceeds {BtrfsConstants.MaxLevel}");
        }

        byte[] fsid = span.Slice(Layout.Fsid, 16).ToArray();
        ReadOnlySpan<byte> labelBytes = span.Slice(Layout.Label, LabelSize);
        int nul = labelBytes.IndexOf((byte)0);
        return new BtrfsSuperBlock
        {
            DiskOffset = diskOffset,
            Fsid = fsid,
            MetadataFsid = (incompat & BtrfsConstants.IncompatMetadataUuid) != 0 ? span.Slice(Layout.MetadataUuid, 16).ToArray() : fsid,
            Generation = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Generation..]),
            Root = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Root..]),
            ChunkRoot = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.ChunkRoot..]),
            NumDevices = numDevices,
            SectorSize = sectorSize,
            NodeSize = nodeSize,
            SysChunkArraySize = arraySize,
            IncompatFlags = incompat,
            CsumType = csumType,
            RootLevel = rootLevel,
            ChunkRootLevel = chunkRootLevel,
            DevId = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.DevItem..]),
            Label = Encoding.UTF8.GetString(nul >= 0 ? labelBytes[..nul] : labelBytes),
            SysChunkArray = span.Slice(Layout.SysChunkArray, (int)arraySize).ToArray(),
        };

        CorruptImageException Error(string field, int offset, string problem)
            => new(source, "btrfs_super_block", field, diskOffset + offset, problem);
    }

    private const int LabelSize = 256;

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Csum = 0x00;
        public const int Fsid = 0x20;
        public const int Bytenr = 0x30;
        public const int Flags = 0x38;
        public const int Magic = 0x40;
        public const int Generation = 0x48;
        public const int Root = 0x50;
        public const int ChunkRoot = 0x58;
        public const int LogRoot = 0x60;
        public const int TotalBytes = 0x70;
        public const int BytesUsed = 0x78;
        public const int RootDirObjectId = 0x80;
        public const int NumDevices = 0x88;
        public const int SectorSize = 0x90;
        public const int NodeSize = 0x94;
        public const int StripeSize = 0x9C;
        public const int SysChunkArraySize = 0xA0;
        public const int ChunkRootGeneration = 0xA4;
        public const int CompatFlags = 0xAC;
        public const int CompatRoFlags = 0xB4;
        public const int IncompatFlags = 0xBC;
        public const int CsumType = 0xC4;
        public const int RootLevel = 0xC6;
        public const int ChunkRootLevel = 0xC7;
        public const int LogRootLevel = 0xC8;
        public const int DevItem = 0xC9;
        public const int Label = 0x12B;
        public const int CacheGeneration = 0x22B;
        public const int UuidTreeGeneration = 0x233;
        public const int MetadataUuid = 0x23B;
        public const int SysChunkArray = 0x32B;
    }
}
