using System.Buffers.Binary;
using System.Numerics;
using PvBoot.Core;

namespace PvBoot.FileSystems.Fat;

/// <summary>
/// The FAT boot sector (<c>fat_boot_sector</c>): the BIOS parameter block shared by FAT12, FAT16 and FAT32, followed
/// by the extended BPB of one of the two variants (<see cref="FatExtendedBpb16"/> or <see cref="FatExtendedBpb32"/>).
/// </summary>
internal readonly struct FatBootSector
{
    /// <summary>The bytes the structure occupies (the sector signature sits in the last two).</summary>
    public const int Size = 512;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "fat_boot_sector";

    private FatBootSector(
        ushort bytesPerSector,
        byte sectorsPerCluster,
        ushort reservedSectors,
        byte fatCount,
        ushort rootEntries,
        uint totalSectors,
        uint sectorsPerFat,
        FatExtendedBpb16? bpb16,
        FatExtendedBpb32? bpb32)
    {
        BytesPerSector = bytesPerSector;
        SectorsPerCluster = sectorsPerCluster;
        ReservedSectors = reservedSectors;
        FatCount = fatCount;
        RootEntries = rootEntries;
        TotalSectors = totalSectors;
        SectorsPerFat = sectorsPerFat;
        Bpb16 = bpb16;
        Bpb32 = bpb32;
    }

    /// <summary>Bytes per logical sector: a power of two from 512 to 4096.</summary>
    public ushort BytesPerSector { get; }

    /// <summary>Sectors per cluster: a power of two from 1 to 128.</summary>
    public byte SectorsPerCluster { get; }

    /// <summary>Sectors before the first FAT (at least 1: the boot sector).</summary>
    public ushort ReservedSectors { get; }

    /// <summary>Number of FAT copies.</summary>
    public byte FatCount { get; }

    /// <summary>Entries of the fixed root directory (0 on FAT32).</summary>
    public ushort RootEntries { get; }

    /// <summary>Sectors in the volume (the 16-bit field, or the 32-bit one when it is 0).</summary>
    public uint TotalSectors { get; }

    /// <summary>Whether <see cref="TotalSectors"/> came from <c>BPB_TotSec16</c> rather than <c>BPB_TotSec32</c>.</summary>
    public bool UsesTotalSectors16 { get; init; }

    /// <summary>Sectors per FAT (the 16-bit field, or the FAT32 extension's when it is 0).</summary>
    public uint SectorsPerFat { get; }

    /// <summary>The FAT12/16 extended BPB, or <see langword="null"/> on FAT32.</summary>
    public FatExtendedBpb16? Bpb16 { get; }

    /// <summary>The FAT32 extended BPB, or <see langword="null"/> on FAT12/16.</summary>
    public FatExtendedBpb32? Bpb32 { get; }

    /// <summary>Whether the volume is FAT32 (as Linux and GRUB decide: the 16-bit FAT size is 0).</summary>
    public bool IsFat32 => Bpb32 is not null;

    /// <summary>The serial number (volume id).</summary>
    public uint VolumeId => Bpb32?.VolumeId ?? Bpb16!.Value.VolumeId;

    /// <summary>Bytes per cluster.</summary>
    public int BytesPerCluster => BytesPerSector * SectorsPerCluster;

    /// <summary>Parses and cross-checks the boot sector.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/> in <paramref name="source"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The boot sector.</returns>
    public static FatBootSector Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "(size)", diskOffset, $"{span.Length} bytes are fewer than the {Size}-byte boot sector");
        }

        ushort bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.BytesPerSector..]);
        if (bytesPerSector is < 512 or > 4096 || !BitOperations.IsPow2(bytesPerSector))
        {
            throw Error(source, "BPB_BytsPerSec", diskOffset + Layout.BytesPerSector, $"{bytesPerSector} bytes per sector is not a power of two from 512 to 4096");
        }

        byte sectorsPerCluster = span[Layout.SectorsPerCluster];
        if (sectorsPerCluster == 0 || !BitOperations.IsPow2(sectorsPerCluster))
        {
            throw Error(source, "BPB_SecPerClus", diskOffset + Layout.SectorsPerCluster, $"{sectorsPerCluster} sectors per cluster is not a power of two");
        }

        ushort reserved = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.ReservedSectors..]);
        if (reserved == 0)
        {
            throw Error(source, "BPB_RsvdSecCnt", diskOffset + Layout.ReservedSectors, "no reserved sectors (the boot sector itself is one)");
        }

        byte fatCount = span[Layout.FatCount];
        if (fatCount == 0)
        {
            throw Error(source, "BPB_NumFATs", diskOffset + Layout.FatCount, "the volume has no FAT");
        }

        ushort rootEntries = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.RootEntries..]);
        ushort total16 = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.TotalSectors16..]);
        uint total32 = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.TotalSectors32..]);
        uint totalSectors = total16 != 0 ? total16 : total32;
        if (totalSectors == 0)
        {
            throw Error(source, "BPB_TotSec32", diskOffset + Layout.TotalSectors32, "the volume has no sectors");
        }

        byte media = span[Layout.Media];
        if (media is not (0xF0 or >= 0xF8))
        {
            throw Error(source, "BPB_Media", diskOffset + Layout.Media, $"media descriptor 0x{media:X2} is not 0xF0 or 0xF8-0xFF");
        }

        ushort fatSize16 = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.SectorsPerFat16..]);
        if (fatSize16 != 0)
        {
            return new FatBootSector(bytesPerSector, sectorsPerCluster, reserved, fatCount, rootEntries, totalSectors, fatSize16,
                FatExtendedBpb16.Parse(span[FatExtendedBpb16.Offset..], diskOffset + FatExtendedBpb16.Offset, source), null)
            {
                UsesTotalSectors16 = total16 != 0,
            };
        }

        FatExtendedBpb32 bpb32 = FatExtendedBpb32.Parse(span[FatExtendedBpb32.Offset..], diskOffset + FatExtendedBpb32.Offset, source);
        if (rootEntries != 0)
        {
            throw Error(source, "BPB_RootEntCnt", diskOffset + Layout.RootEntries, $"a FAT32 volume declares {rootEntries} fixed root directory entries");
        }

        return new FatBootSector(bytesPerSector, sectorsPerCluster, reserved, fatCount, rootEntries, totalSectors, bpb32.SectorsPerFat, null, bpb32)
        {
            UsesTotalSectors16 = total16 != 0,
        };
    }

    private static CorruptImageException Error(string source, string field, long offset, string problem)
        => new(source, StructureName, field, offset, problem);

    /// <summary>Field offsets of the common BPB.</summary>
    public static class Layout
    {
        /// <summary><c>BS_jmpBoot</c>: a jump instruction (0xEB xx 0x90 or 0xE9 xx xx).</summary>
        public const int JumpBoot = 0;

        /// <summary><c>BPB_BytsPerSec</c>.</summary>
        public const int BytesPerSector = 11;

        /// <summary><c>BPB_SecPerClus</c>.</summary>
        public const int SectorsPerCluster = 13;

        /// <summary><c>BPB_RsvdSecCnt</c>.</summary>
        public const int ReservedSectors = 14;

        /// <summary><c>BPB_NumFATs</c>.</summary>
        public const int FatCount = 16;

        /// <summary><c>BPB_RootEntCnt</c>.</summary>
        public const int RootEntries = 17;

        /// <summary><c>BPB_TotSec16</c>.</summary>
        public const int TotalSectors16 = 19;

        /// <summary><c>BPB_Media</c>.</summary>
        public const int Media = 21;

        /// <summary><c>BPB_FATSz16</c>.</summary>
        public const int SectorsPerFat16 = 22;

        /// <summary><c>BPB_TotSec32</c>.</summary>
        public const int TotalSectors32 = 32;

        /// <summary>The 0x55 0xAA boot signature.</summary>
        public const int Signature = 510;
    }
}
