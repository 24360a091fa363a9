using System.Buffers.Binary;

namespace PvBoot.Core.Partitions;

/// <summary>
/// The header of an LVM2 metadata area (<c>mda_header</c> in LVM2's <c>format-text/layout.h</c>): a checksum, the magic
/// " LVM2 x[5A%r0N*&gt;", version 1, the area's own offset and size, and the <see cref="LvmRawLocation"/> of the current
/// text metadata. It fills the first 512 bytes of the area.
/// </summary>
internal readonly struct LvmMetadataAreaHeader
{
    /// <summary>The size of the header in bytes (MDA_HEADER_SIZE); the checksum covers bytes 4 to 512.</summary>
    public const int Size = 512;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "mda_header";

    /// <summary>The only version LVM2 writes.</summary>
    public const uint ExpectedVersion = 1;

    private LvmMetadataAreaHeader(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        DiskOffset = diskOffset;
        ChecksumXl = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.ChecksumXl..]);
        ComputedChecksum = LvmChecksum.Compute(span[Layout.Magic..Size]);
        HasMagic = span.Slice(Layout.Magic, 16).SequenceEqual(Magic);
        Version = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Version..]);
        Start = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Start..]);
        SizeInBytes = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Size..]);
        FirstRawLocation = LvmRawLocation.Parse(span[Layout.RawLocns..], diskOffset + Layout.RawLocns, source);
    }

    /// <summary>The absolute byte offset of the header in the image.</summary>
    public long DiskOffset { get; }

    /// <summary><c>checksum_xl</c>: the LVM2 checksum of bytes 4 to 512.</summary>
    public uint ChecksumXl { get; }

    /// <summary>The checksum computed over bytes 4 to 512.</summary>
    public uint ComputedChecksum { get; }

    /// <summary>Whether <c>magic</c> holds the LVM2 metadata area magic.</summary>
    public bool HasMagic { get; }

    /// <summary><c>version</c>.</summary>
    public uint Version { get; }

    /// <summary><c>start</c>: the offset of this area from the start of the physical volume.</summary>
    public ulong Start { get; }

    /// <summary><c>size</c>: the size of this area in bytes, header included.</summary>
    public ulong SizeInBytes { get; }

    /// <summary><c>raw_locns[0]</c>: where the committed text metadata is.</summary>
    public LvmRawLocation FirstRawLocation { get; }

    private static ReadOnlySpan<byte> Magic => " LVM2 x[5A%r0N*>"u8;

    /// <summary>The absolute offset of a field of this header, for error messages.</summary>
    public long FieldOffset(int fieldOffset) => DiskOffset + fieldOffset;

    /// <summary>Reads a metadata area header and computes its checksum.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the header.</param>
    /// <param name="diskOffset">The absolute offset of the header in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The header.</returns>
    public static LvmMetadataAreaHeader Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new LvmMetadataAreaHeader(span, diskOffset, source);
    }

    /// <summary>Field offsets within the header.</summary>
    internal static class Layout
    {
        /// <summary><c>checksum_xl</c>, 4 bytes.</summary>
        public const int ChecksumXl = 0;

        /// <summary><c>magic</c>, 16 bytes.</summary>
        public const int Magic = 4;

        /// <summary><c>version</c>, 4 bytes.</summary>
        public const int Version = 20;

        /// <summary><c>start</c>, 8 bytes.</summary>
        public const int Start = 24;

        /// <summary><c>size</c>, 8 bytes.</summary>
        public const int Size = 32;

        /// <summary><c>raw_locns</c>: a zero-terminated list of 24-byte <c>raw_locn</c>.</summary>
        public const int RawLocns = 40;
    }
}
