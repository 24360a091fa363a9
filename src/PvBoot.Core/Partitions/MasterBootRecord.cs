using System.Buffers.Binary;

namespace PvBoot.Core.Partitions;

/// <summary>
/// A 512-byte master boot record, or an extended boot record of a logical partition chain, which has the same layout:
/// boot code, four <see cref="MbrPartitionRecord"/>s at byte 446 and the 0x55 0xAA signature at byte 510.
/// </summary>
internal readonly struct MasterBootRecord
{
    /// <summary>The size of the record in bytes (one 512-byte sector).</summary>
    public const int Size = 512;

    /// <summary>The number of partition records.</summary>
    public const int RecordCount = 4;

    /// <summary>The structure name of a master boot record in error messages.</summary>
    public const string StructureName = "mbr";

    /// <summary>The structure name of an extended boot record in error messages.</summary>
    public const string ExtendedStructureName = "ebr";

    /// <summary>The boot signature read as a little-endian 16-bit value.</summary>
    public const ushort BootSignature = 0xAA55;

    private readonly MbrPartitionRecord[] records;

    private MasterBootRecord(long diskOffset, ushort signature, MbrPartitionRecord[] records)
    {
        DiskOffset = diskOffset;
        Signature = signature;
        this.records = records;
    }

    /// <summary>The absolute byte offset of the sector in the image.</summary>
    public long DiskOffset { get; }

    /// <summary>The value of the signature field.</summary>
    public ushort Signature { get; }

    /// <summary>Whether the sector ends with the 0x55 0xAA signature.</summary>
    public bool HasBootSignature => Signature == BootSignature;

    /// <summary>The four partition records, in table order.</summary>
    public ReadOnlySpan<MbrPartitionRecord> Records => records;

    /// <summary>Reads a master or extended boot record.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the sector.</param>
    /// <param name="diskOffset">The absolute offset of the sector in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The record.</returns>
    public static MasterBootRecord Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        var parsed = new MbrPartitionRecord[RecordCount];
        for (int i = 0; i < RecordCount; i++)
        {
            int at = Layout.PartitionRecords + (i * MbrPartitionRecord.Size);
            parsed[i] = MbrPartitionRecord.Parse(span.Slice(at, MbrPartitionRecord.Size), diskOffset + at, source);
        }

        return new MasterBootRecord(diskOffset, BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Signature..]), parsed);
    }

    /// <summary>Field offsets within the sector.</summary>
    internal static class Layout
    {
        /// <summary><c>boot_code</c>: 440 bytes of x86 code (ignored).</summary>
        public const int BootCode = 0;

        /// <summary><c>unique_mbr_disk_signature</c>: the 32-bit disk signature (ignored).</summary>
        public const int DiskSignature = 440;

        /// <summary><c>partition_record</c>: four 16-byte records.</summary>
        public const int PartitionRecords = 446;

        /// <summary><c>signature</c>: 0x55 0xAA.</summary>
        public const int Signature = 510;
    }
}
