using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Fat;

/// <summary>The FAT12/FAT16 extended BPB (<c>fat_boot_sector.fat16</c>) at byte 36 of the boot sector.</summary>
internal readonly struct FatExtendedBpb16
{
    /// <summary>The offset of this structure in the boot sector.</summary>
    public const int Offset = 36;

    /// <summary>The bytes the structure occupies.</summary>
    public const int Size = 26;

    private FatExtendedBpb16(byte bootSignature, uint volumeId, byte[] label)
    {
        BootSignature = bootSignature;
        VolumeId = volumeId;
        Label = label;
    }

    /// <summary><c>BS_BootSig</c>: 0x29 when the id and label below are present.</summary>
    public byte BootSignature { get; }

    /// <summary><c>BS_VolID</c>.</summary>
    public uint VolumeId { get; }

    /// <summary><c>BS_VolLab</c>, 11 bytes.</summary>
    public byte[] Label { get; }

    /// <summary>Parses the extension.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The extension.</returns>
    public static FatExtendedBpb16 Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, FatBootSector.StructureName, "fat16", diskOffset, "the extended BPB is truncated");
        }

        byte signature = span[Layout.BootSignature];
        bool present = signature is 0x28 or 0x29;
        return new FatExtendedBpb16(
            signature,
            present ? BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.VolumeId..]) : 0,
            signature == 0x29 ? span.Slice(Layout.VolumeLabel, 11).ToArray() : []);
    }

    /// <summary>Field offsets relative to <see cref="Offset"/>.</summary>
    public static class Layout
    {
        /// <summary><c>BS_DrvNum</c>.</summary>
        public const int DriveNumber = 0;

        /// <summary><c>BS_BootSig</c>.</summary>
        public const int BootSignature = 2;

        /// <summary><c>BS_VolID</c>.</summary>
        public const int VolumeId = 3;

        /// <summary><c>BS_VolLab</c>.</summary>
        public const int VolumeLabel = 7;

        /// <summary><c>BS_FilSysType</c>.</summary>
        public const int FileSystemType = 18;
    }
}
