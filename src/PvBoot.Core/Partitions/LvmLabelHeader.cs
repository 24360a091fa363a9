using System.Buffers.Binary;

namespace PvBoot.Core.Partitions;

/// <summary>
/// The LVM2 physical volume label (<c>label_header</c> in LVM2's <c>label.h</c>): "LABELONE" at the start of one of the
/// first four sectors of a physical volume, followed in the same sector by the <see cref="LvmPvHeader"/>.
/// </summary>
internal readonly struct LvmLabelHeader
{
    /// <summary>The size of the header in bytes.</summary>
    public const int Size = 32;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "label_header";

    /// <summary>The number of sectors at the start of a volume that may hold the label.</summary>
    public const int ScanSectors = 4;

    private LvmLabelHeader(ReadOnlySpan<byte> span, long diskOffset)
    {
        DiskOffset = diskOffset;
        HasLabelId = span.Slice(Layout.Id, 8).SequenceEqual(LabelId);
        SectorXl = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.SectorXl..]);
        CrcXl = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.CrcXl..]);
        OffsetXl = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.OffsetXl..]);
        IsLvm2Type = span.Slice(Layout.Type, 8).SequenceEqual(Lvm2Type);
    }

    /// <summary>The absolute byte offset of the label in the image.</summary>
    public long DiskOffset { get; }

    /// <summary>Whether <c>id</c> reads "LABELONE".</summary>
    public bool HasLabelId { get; }

    /// <summary><c>sector_xl</c>: the sector of the volume the label claims to be in.</summary>
    public ulong SectorXl { get; }

    /// <summary><c>crc_xl</c>: the LVM2 checksum from <c>offset_xl</c> to the end of the sector.</summary>
    public uint CrcXl { get; }

    /// <summary><c>offset_xl</c>: the byte offset of the <c>pv_header</c> within the sector.</summary>
    public uint OffsetXl { get; }

    /// <summary>Whether <c>type</c> reads "LVM2 001".</summary>
    public bool IsLvm2Type { get; }

    private static ReadOnlySpan<byte> LabelId => "LABELONE"u8;

    private static ReadOnlySpan<byte> Lvm2Type => "LVM2 001"u8;

    /// <summary>The absolute offset of a field of this label, for error messages.</summary>
    public long FieldOffset(int fieldOffset) => DiskOffset + fieldOffset;

    /// <summary>Reads a label header.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the label.</param>
    /// <param name="diskOffset">The absolute offset of the label in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The label header.</returns>
    public static LvmLabelHeader Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new LvmLabelHeader(span, diskOffset);
    }

    /// <summary>Field offsets within the label header.</summary>
    internal static class Layout
    {
        /// <summary><c>id</c>: "LABELONE", 8 bytes.</summary>
        public const int Id = 0;

        /// <summary><c>sector_xl</c>, 8 bytes.</summary>
        public const int SectorXl = 8;

        /// <summary><c>crc_xl</c>, 4 bytes.</summary>
        public const int CrcXl = 16;

        /// <summary><c>offset_xl</c>, 4 bytes; the checksum covers the sector from here on.</summary>
        public const int OffsetXl = 20;

        /// <summary><c>type</c>: "LVM2 001", 8 bytes.</summary>
        public const int Type = 24;
    }
}
