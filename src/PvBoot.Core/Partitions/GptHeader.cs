using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;

namespace PvBoot.Core.Partitions;

/// <summary>The GUID Partition Table header (UEFI specification §5.3.2; Linux's <c>gpt_header</c>).</summary>
internal readonly struct GptHeader
{
    /// <summary>The size of the fields this reader knows; <see cref="HeaderSize"/> may be larger, up to a sector.</summary>
    public const int Size = 92;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "gpt_header";

    /// <summary>"EFI PART" read as a little-endian 64-bit value.</summary>
    public const ulong ExpectedSignature = 0x5452415020494645;

    /// <summary>The smallest legal partition entry size; every legal size is this times a power of two.</summary>
    public const int MinEntrySize = GptPartitionEntry.Size;

    private GptHeader(ReadOnlySpan<byte> span, long diskOffset)
    {
        DiskOffset = diskOffset;
        Signature = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Signature..]);
        Revision = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Revision..]);
        HeaderSize = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.HeaderSize..]);
        HeaderCrc32 = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.HeaderCrc32..]);
        MyLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.MyLba..]);
        AlternateLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.AlternateLba..]);
        FirstUsableLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.FirstUsableLba..]);
        LastUsableLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.LastUsableLba..]);
        DiskGuid = new Guid(span.Slice(Layout.DiskGuid, 16));
        PartitionEntryLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.PartitionEntryLba..]);
        NumPartitionEntries = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.NumPartitionEntries..]);
        SizeofPartitionEntry = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.SizeofPartitionEntry..]);
        PartitionEntryArrayCrc32 = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.PartitionEntryArrayCrc32..]);
    }

    /// <summary>The absolute byte offset of the header in the image.</summary>
    public long DiskOffset { get; }

    /// <summary><c>signature</c>: "EFI PART".</summary>
    public ulong Signature { get; }

    /// <summary><c>revision</c>: 0x00010000 for every published revision.</summary>
    public uint Revision { get; }

    /// <summary><c>header_size</c>: the number of bytes the header CRC covers.</summary>
    public uint HeaderSize { get; }

    /// <summary><c>header_crc32</c>: CRC32 of the first <see cref="HeaderSize"/> bytes with this field zeroed.</summary>
    public uint HeaderCrc32 { get; }

    /// <summary><c>my_lba</c>: the sector holding this header.</summary>
    public ulong MyLba { get; }

    /// <summary><c>alternate_lba</c>: the sector holding the other copy of the header.</summary>
    public ulong AlternateLba { get; }

    /// <summary><c>first_usable_lba</c>: the first sector a partition may use.</summary>
    public ulong FirstUsableLba { get; }

    /// <summary><c>last_usable_lba</c>: the last sector a partition may use.</summary>
    public ulong LastUsableLba { get; }

    /// <summary><c>disk_guid</c>.</summary>
    public Guid DiskGuid { get; }

    /// <summary><c>partition_entry_lba</c>: the first sector of the partition entry array.</summary>
    public ulong PartitionEntryLba { get; }

    /// <summary><c>num_partition_entries</c>.</summary>
    public uint NumPartitionEntries { get; }

    /// <summary><c>sizeof_partition_entry</c>: 128 × 2^n.</summary>
    public uint SizeofPartitionEntry { get; }

    /// <summary><c>partition_entry_array_crc32</c>: CRC32 of the whole entry array.</summary>
    public uint PartitionEntryArrayCrc32 { get; }

    /// <summary>Whether the signature reads "EFI PART".</summary>
    public bool HasSignature => Signature == ExpectedSignature;

    /// <summary>Whether <see cref="HeaderSize"/> covers at least the known fields and at most <paramref name="available"/> bytes.</summary>
    public bool HasPlausibleHeaderSize(int available) => HeaderSize >= Size && HeaderSize <= (uint)available;

    /// <summary>Whether <see cref="SizeofPartitionEntry"/> is 128 × 2^n.</summary>
    public bool HasLegalEntrySize
        => SizeofPartitionEntry >= MinEntrySize && SizeofPartitionEntry % MinEntrySize == 0 && BitOperations.IsPow2(SizeofPartitionEntry / MinEntrySize);

    /// <summary>The absolute offset of a field of this header, for error messages.</summary>
    public long FieldOffset(int fieldOffset) => DiskOffset + fieldOffset;

    /// <summary>
    /// Computes the header CRC32 over the first <see cref="HeaderSize"/> bytes of <paramref name="sector"/> with the
    /// CRC field taken as zero. The caller checks <see cref="HasPlausibleHeaderSize"/> first.
    /// </summary>
    public uint ComputeHeaderCrc32(ReadOnlySpan<byte> sector)
    {
        var crc = new Crc32();
        crc.Append(sector[..Layout.HeaderCrc32]);
        crc.Append([0, 0, 0, 0]);
        crc.Append(sector[(Layout.HeaderCrc32 + 4)..(int)HeaderSize]);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Reads a header.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the header (normally the whole sector).</param>
    /// <param name="diskOffset">The absolute offset of the header in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The header; nothing is validated yet.</returns>
    public static GptHeader Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "header_size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new GptHeader(span, diskOffset);
    }

    /// <summary>Field offsets within the header.</summary>
    internal static class Layout
    {
        /// <summary><c>signature</c>, 8 bytes.</summary>
        public const int Signature = 0;

        /// <summary><c>revision</c>, 4 bytes.</summary>
        public const int Revision = 8;

        /// <summary><c>header_size</c>, 4 bytes.</summary>
        public const int HeaderSize = 12;

        /// <summary><c>header_crc32</c>, 4 bytes.</summary>
        public const int HeaderCrc32 = 16;

        /// <summary><c>reserved1</c>, 4 bytes of zero.</summary>
        public const int Reserved1 = 20;

        /// <summary><c>my_lba</c>, 8 bytes.</summary>
        public const int MyLba = 24;

        /// <summary><c>alternate_lba</c>, 8 bytes.</summary>
        public const int AlternateLba = 32;

        /// <summary><c>first_usable_lba</c>, 8 bytes.</summary>
        public const int FirstUsableLba = 40;

        /// <summary><c>last_usable_lba</c>, 8 bytes.</summary>
        public const int LastUsableLba = 48;

        /// <summary><c>disk_guid</c>, 16 bytes.</summary>
        public const int DiskGuid = 56;

        /// <summary><c>partition_entry_lba</c>, 8 bytes.</summary>
        public const int PartitionEntryLba = 72;

        /// <summary><c>num_partition_entries</c>, 4 bytes.</summary>
        public const int NumPartitionEntries = 80;

        /// <summary><c>sizeof_partition_entry</c>, 4 bytes.</summary>
        public const int SizeofPartitionEntry = 84;

        /// <summary><c>partition_entry_array_crc32</c>, 4 bytes.</summary>
        public const int PartitionEntryArrayCrc32 = 88;
    }
}
