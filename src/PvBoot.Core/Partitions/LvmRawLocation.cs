using System.Buffers.Binary;

namespace PvBoot.Core.Partitions;

/// <summary>
/// Where the current text metadata sits in a metadata area (<c>raw_locn</c> in LVM2's <c>format-text/layout.h</c>): an
/// offset from the start of the area, a size, the LVM2 checksum of the text and flags. The text may wrap from the end
/// of the area back to just after the <see cref="LvmMetadataAreaHeader"/>.
/// </summary>
internal readonly struct LvmRawLocation
{
    /// <summary>The size of the structure in bytes.</summary>
    public const int Size = 24;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "raw_locn";

    /// <summary>The flag LVM2 sets on a metadata area that is to be ignored.</summary>
    public const uint IgnoredFlag = 1;

    private LvmRawLocation(ReadOnlySpan<byte> span, long diskOffset)
    {
        DiskOffset = diskOffset;
        Offset = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Offset..]);
        SizeInBytes = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Size..]);
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Checksum..]);
        Flags = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Flags..]);
    }

    /// <summary>The absolute byte offset of the structure in the image.</summary>
    public long DiskOffset { get; }

    /// <summary><c>offset</c>: the first byte of the text, from the start of the metadata area.</summary>
    public ulong Offset { get; }

    /// <summary><c>size</c>: the length of the text in bytes.</summary>
    public ulong SizeInBytes { get; }

    /// <summary><c>checksum</c>: the LVM2 checksum of the text.</summary>
    public uint Checksum { get; }

    /// <summary><c>flags</c>.</summary>
    public uint Flags { get; }

    /// <summary>Whether the entry is the all-zero one that ends the list (no metadata).</summary>
    public bool IsEmpty => Offset == 0 && SizeInBytes == 0;

    /// <summary>The absolute offset of a field of this structure, for error messages.</summary>
    public long FieldOffset(int fieldOffset) => DiskOffset + fieldOffset;

    /// <summary>Reads a location.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the structure.</param>
    /// <param name="diskOffset">The absolute offset of the structure in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The location.</returns>
    public static LvmRawLocation Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "offset", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new LvmRawLocation(span, diskOffset);
    }

    /// <summary>Field offsets within the structure.</summary>
    internal static class Layout
    {
        /// <summary><c>offset</c>, 8 bytes.</summary>
        public const int Offset = 0;

        /// <summary><c>size</c>, 8 bytes.</summary>
        public const int Size = 8;

        /// <summary><c>checksum</c>, 4 bytes.</summary>
        public const int Checksum = 16;

        /// <summary><c>flags</c>, 4 bytes.</summary>
        public const int Flags = 20;
    }
}
