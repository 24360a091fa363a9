using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Fat;

/// <summary>The FAT32 extended BPB (<c>fat_boot_sector.fat32</c>) at byte 36 of the boot sector.</summary>
internal readonly struct FatExtendedBpb32
{
    /// <summary>The offset of this structure in the boot sector.</summary>
    public const int Offset = 36;

    /// <summary>The bytes the structure occupies.</summary>
    public const int Size = 54;

    private FatExtendedBpb32(uint sectorsPerFat, ushort extendedFlags, uint rootCluster, uint volumeId, byte[] label)
    {
        SectorsPerFat = sectorsPerFat;
        ExtendedFlags = extendedFlags;
        RootCluster = rootCluster;
        VolumeId = volumeId;
        Label = label;
    }

    /// <summary><c>BPB_FATSz32</c>.</summary>
    public uint SectorsPerFat { get; }

    /// <summary><c>BPB_ExtFlags</c>: bit 7 set means only FAT number (bits 0-3) is active.</summary>
    public ushort ExtendedFlags { get; }

    /// <summary><c>BPB_RootClus</c>: the first cluster of the root directory (at least 2).</summary>
    public uint RootCluster { get; }

    /// <summary><c>BS_VolID</c>.</summary>
    public uint VolumeId { get; }

    /// <summary><c>BS_VolLab</c>, 11 bytes.</summary>
    public byte[] Label { get; }

    /// <summary>Parses the extension.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The extension.</returns>
    public static FatExtendedBpb32 Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, FatBootSector.StructureName, "fat32", diskOffset, "the extended BPB is truncated");
        }

        uint sectorsPerFat = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.SectorsPerFat..]);
        if (sectorsPerFat == 0)
        {
            throw new CorruptImageException(source, FatBootSector.StructureName, "BPB_FATSz32", diskOffset + Layout.SectorsPerFat,
                "both FAT size fields are 0");
        }

        uint rootCluster = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.RootCluster..]);
        if (rootCluster < 2)
        {
            throw new CorruptImageException(source, FatBootSector.StructureName, "BPB_RootClus", diskOffset + Layout.RootCluster,
                $"root cluster {rootCluster} is below the first data cluster 2");
        }

        byte signature = span[Layout.BootSignature];
        return new FatExtendedBpb32(
            sectorsPerFat,
            BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.ExtendedFlags..]),
            rootCluster,
            signature is 0x28 or 0x29 ? BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.VolumeId..]) : 0,
            signature == 0x29 ? span.Slice(Layout.VolumeLabel, 11).ToArray() : []);
    }

    /// <summary>Field offsets relative to <see cref="Offset"/>.</summary>
    public static class Layout
    {
        /// <summary><c>BPB_FATSz32</c>.</summary>
        public const int SectorsPerFat = 0;

        /// <summary><c>BPB_ExtFlags</c>.</summary>
        public const int ExtendedFlags = 4;

        /// <summary><c>BPB_FSVer</c>.</summary>
        public const int Version = 6;

        /// <summary><c>BPB_RootClus</c>.</summary>
        public const int RootCluster = 8;

        /// <summary><c>BPB_FSInfo</c>.</summary>
        public const int FsInfoSector = 12;

        /// <summary><c>BS_BootSig</c>.</summary>
        public const int BootSignature = 30;

        /// <summary><c>BS_VolID</c>.</summary>
        public const int VolumeId = 31;

        /// <summary><c>BS_VolLab</c>.</summary>
        public const int VolumeLabel = 35;

        /// <summary><c>BS_FilSysType</c>.</summary>
        public const int FileSystemType = 46;
    }
}
