using System.Buffers.Binary;

namespace PvBoot.Core.Partitions;

/// <summary>
/// One 16-byte partition record of a master boot record or of an extended boot record (the UEFI specification's
/// "legacy MBR partition record"; Linux's <c>struct msdos_partition</c>).
/// </summary>
internal readonly struct MbrPartitionRecord
{
    /// <summary>The size of a record in bytes.</summary>
    public const int Size = 16;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "mbr_partition_record";

    /// <summary>The type of an unused record.</summary>
    public const byte EmptyType = 0x00;

    /// <summary>The type of the protective record that announces a GPT.</summary>
    public const byte GptProtectiveType = 0xEE;

    /// <summary>The type of a Linux LVM physical volume.</summary>
    public const byte LinuxLvmType = 0x8E;

    private MbrPartitionRecord(long diskOffset, byte bootIndicator, byte osType, uint startingLba, uint sizeInLba)
    {
        DiskOffset = diskOffset;
        BootIndicator = bootIndicator;
        OsType = osType;
        StartingLba = startingLba;
        SizeInLba = sizeInLba;
    }

    /// <summary>The absolute byte offset of the record in the image.</summary>
    public long DiskOffset { get; }

    /// <summary>0x80 for the active (bootable) partition, 0 otherwise.</summary>
    public byte BootIndicator { get; }

    /// <summary>The partition type ("system indicator").</summary>
    public byte OsType { get; }

    /// <summary>The first sector, relative to the table's reference point.</summary>
    public uint StartingLba { get; }

    /// <summary>The number of sectors.</summary>
    public uint SizeInLba { get; }

    /// <summary>Whether the record describes no partition.</summary>
    public bool IsEmpty => OsType == EmptyType || SizeInLba == 0;

    /// <summary>Whether the record points at an extended partition (DOS 0x05, Windows LBA 0x0F, Linux 0x85).</summary>
    public bool IsExtended => OsType is 0x05 or 0x0F or 0x85;

    /// <summary>Whether the record is marked active.</summary>
    public bool IsActive => BootIndicator == 0x80;

    /// <summary>Whether the boot indicator holds one of its two legal values.</summary>
    public bool HasValidBootIndicator => (BootIndicator & 0x7F) == 0;

    /// <summary>The absolute offset of a field of this record, for error messages.</summary>
    public long FieldOffset(int fieldOffset) => DiskOffset + fieldOffset;

    /// <summary>Reads a record.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the record.</param>
    /// <param name="diskOffset">The absolute offset of the record in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The record.</returns>
    public static MbrPartitionRecord Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new MbrPartitionRecord(
            diskOffset,
            span[Layout.BootIndicator],
            span[Layout.OsType],
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.StartingLba..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.SizeInLba..]));
    }

    /// <summary>Field offsets within the record.</summary>
    internal static class Layout
    {
        /// <summary><c>boot_indicator</c>: 0x80 active, 0 inactive.</summary>
        public const int BootIndicator = 0;

        /// <summary><c>starting_chs</c>: the legacy cylinder-head-sector address of the first sector (ignored).</summary>
        public const int StartingChs = 1;

        /// <summary><c>os_type</c>: the partition type.</summary>
        public const int OsType = 4;

        /// <summary><c>ending_chs</c>: the legacy address of the last sector (ignored).</summary>
        public const int EndingChs = 5;

        /// <summary><c>starting_lba</c>: the first sector, little-endian.</summary>
        public const int StartingLba = 8;

        /// <summary><c>size_in_lba</c>: the number of sectors, little-endian.</summary>
        public const int SizeInLba = 12;
    }
}
