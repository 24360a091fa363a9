using System.Buffers.Binary;
using System.Text;

namespace PvBoot.Core.Partitions;

/// <summary>One entry of the GPT partition entry array (UEFI specification §5.3.3; Linux's <c>gpt_entry</c>).</summary>
internal readonly struct GptPartitionEntry
{
    /// <summary>The size of the fields of an entry; the array's stride (<see cref="GptHeader.SizeofPartitionEntry"/>) may be larger.</summary>
    public const int Size = 128;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "gpt_entry";

    /// <summary>The length of <c>partition_name</c> in bytes (36 UTF-16 code units).</summary>
    public const int NameBytes = 72;

    /// <summary>The type GUID of a Linux LVM physical volume.</summary>
    public static readonly Guid LinuxLvmType = new("E6D6D379-F507-44C2-A23C-238F2A3DF928");

    private GptPartitionEntry(ReadOnlySpan<byte> span, long diskOffset)
    {
        DiskOffset = diskOffset;
        PartitionTypeGuid = new Guid(span.Slice(Layout.PartitionTypeGuid, 16));
        UniquePartitionGuid = new Guid(span.Slice(Layout.UniquePartitionGuid, 16));
        StartingLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.StartingLba..]);
        EndingLba = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.EndingLba..]);
        Attributes = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Attributes..]);
        ReadOnlySpan<byte> name = span.Slice(Layout.PartitionName, NameBytes);
        int length = 0;
        while (length + 1 < NameBytes && (name[length] | name[length + 1]) != 0)
        {
            length += 2;
        }

        // Decoding replaces unpaired surrogates with U+FFFD instead of throwing.
        PartitionName = Encoding.Unicode.GetString(name[..length]);
    }

    /// <summary>The absolute byte offset of the entry in the image.</summary>
    public long DiskOffset { get; }

    /// <summary><c>partition_type_guid</c>; all zero for an unused entry.</summary>
    public Guid PartitionTypeGuid { get; }

    /// <summary><c>unique_partition_guid</c>.</summary>
    public Guid UniquePartitionGuid { get; }

    /// <summary><c>starting_lba</c>: the first sector.</summary>
    public ulong StartingLba { get; }

    /// <summary><c>ending_lba</c>: the last sector, inclusive.</summary>
    public ulong EndingLba { get; }

    /// <summary><c>attributes</c>.</summary>
    public ulong Attributes { get; }

    /// <summary><c>partition_name</c>, up to its first NUL.</summary>
    public string PartitionName { get; }

    /// <summary>Whether the entry is unused.</summary>
    public bool IsEmpty => PartitionTypeGuid == Guid.Empty;

    /// <summary>The absolute offset of a field of this entry, for error messages.</summary>
    public long FieldOffset(int fieldOffset) => DiskOffset + fieldOffset;

    /// <summary>Reads an entry.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the entry.</param>
    /// <param name="diskOffset">The absolute offset of the entry in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The entry; its LBAs are validated by the caller, which knows the header.</returns>
    public static GptPartitionEntry Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new GptPartitionEntry(span, diskOffset);
    }

    /// <summary>Field offsets within an entry.</summary>
    internal static class Layout
    {
        /// <summary><c>partition_type_guid</c>, 16 bytes.</summary>
        public const int PartitionTypeGuid = 0;

        /// <summary><c>unique_partition_guid</c>, 16 bytes.</summary>
        public const int UniquePartitionGuid = 16;

        /// <summary><c>starting_lba</c>, 8 bytes.</summary>
        public const int StartingLba = 32;

        /// <summary><c>ending_lba</c>, 8 bytes, inclusive.</summary>
        public const int EndingLba = 40;

        /// <summary><c>attributes</c>, 8 bytes.</summary>
        public const int Attributes = 48;

        /// <summary><c>partition_name</c>, 72 bytes of UTF-16LE.</summary>
        public const int PartitionName = 56;
    }
}
