using System.Buffers.Binary;

namespace PvBoot.Core.Partitions;

/// <summary>
/// One area of an LVM2 physical volume (<c>disk_locn</c> in LVM2's <c>format-text/layout.h</c>): a byte offset from the
/// start of the volume and a byte size. Lists of them end with an all-zero entry.
/// </summary>
internal readonly struct LvmDiskLocation
{
    /// <summary>The size of the structure in bytes.</summary>
    public const int Size = 16;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "disk_locn";

    private LvmDiskLocation(long diskOffset, ulong offset, ulong size)
    {
        DiskOffset = diskOffset;
        Offset = offset;
        SizeInBytes = size;
    }

    /// <summary>The absolute byte offset of the structure in the image.</summary>
    public long DiskOffset { get; }

    /// <summary><c>offset</c>: the first byte of the area, from the start of the physical volume.</summary>
    public ulong Offset { get; }

    /// <summary><c>size</c>: the size of the area in bytes (0 for "to the end" in a data area).</summary>
    public ulong SizeInBytes { get; }

    /// <summary>Whether this is the all-zero entry that ends a list.</summary>
    public bool IsTerminator => Offset == 0 && SizeInBytes == 0;

    /// <summary>Reads a location.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the structure.</param>
    /// <param name="diskOffset">The absolute offset of the structure in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The location.</returns>
    public static LvmDiskLocation Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "offset", diskOffset, "the list of areas runs past the end of the label sector without its terminating entry");
        }

        return new LvmDiskLocation(
            diskOffset,
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Offset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Size..]));
    }

    /// <summary>Field offsets within the structure.</summary>
    internal static class Layout
    {
        /// <summary><c>offset</c>, 8 bytes.</summary>
        public const int Offset = 0;

        /// <summary><c>size</c>, 8 bytes.</summary>
        public const int Size = 8;
    }
}
