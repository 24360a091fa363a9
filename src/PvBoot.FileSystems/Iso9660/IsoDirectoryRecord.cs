using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>A directory record (<c>iso_directory_record</c>): 33 fixed bytes, the name, padding, then the system use area.</summary>
internal readonly struct IsoDirectoryRecord
{
    /// <summary>The fixed part before the name.</summary>
    public const int FixedSize = 33;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "iso_directory_record";

    /// <summary>Flag: the record is a directory.</summary>
    public const byte FlagDirectory = 0x02;

    /// <summary>Flag: more records of the same file follow (multi-extent).</summary>
    public const byte FlagMultiExtent = 0x80;

    private IsoDirectoryRecord(int length, uint extent, uint dataLength, byte flags, byte fileUnitSize, byte[] name, int systemUseOffset)
    {
        Length = length;
        Extent = extent;
        DataLength = dataLength;
        Flags = flags;
        FileUnitSize = fileUnitSize;
        Name = name;
        SystemUseOffset = systemUseOffset;
    }

    /// <summary><c>length</c>: the record's size in bytes.</summary>
    public int Length { get; }

    /// <summary><c>extent</c>: the first logical block of the data.</summary>
    public uint Extent { get; }

    /// <summary><c>size</c>: the data length in bytes.</summary>
    public uint DataLength { get; }

    /// <summary><c>flags</c>.</summary>
    public byte Flags { get; }

    /// <summary><c>file_unit_size</c>: non-zero for interleaved files.</summary>
    public byte FileUnitSize { get; }

    /// <summary>The <c>name</c> bytes (0x00 for <c>.</c>, 0x01 for <c>..</c>).</summary>
    public byte[] Name { get; }

    /// <summary>Where the system use area starts within the record.</summary>
    public int SystemUseOffset { get; }

    /// <summary>Whether the record describes a directory.</summary>
    public bool IsDirectory => (Flags & FlagDirectory) != 0;

    /// <summary>Whether another record of the same file follows.</summary>
    public bool IsMultiExtent => (Flags & FlagMultiExtent) != 0;

    /// <summary>Whether the record is <c>.</c> or <c>..</c>.</summary>
    public bool IsDotOrDotDot => Name is [0] or [1];

    /// <summary>Parses the record at the start of <paramref name="span"/>; the record must lie inside it.</summary>
    /// <param name="span">The rest of the sector, starting at the record.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The record.</returns>
    public static IsoDirectoryRecord Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < FixedSize)
        {
            throw new CorruptImageException(source, StructureName, "length", diskOffset,
                $"only {span.Length} bytes remain for a record of at least {FixedSize + 1}");
        }

        int length = span[Layout.Length];
        if (length < FixedSize + 1)
        {
            throw new CorruptImageException(source, StructureName, "length", diskOffset + Layout.Length,
                $"a record length of {length} is below the {FixedSize}-byte fixed part plus a name");
        }

        if (length > span.Length)
        {
            throw new CorruptImageException(source, StructureName, "length", diskOffset + Layout.Length,
                $"a record of {length} bytes crosses the end of its sector ({span.Length} bytes left)");
        }

        int nameLength = span[Layout.NameLength];
        if (nameLength == 0 || nameLength > length - FixedSize)
        {
            throw new CorruptImageException(source, StructureName, "name_len", diskOffset + Layout.NameLength,
                $"a name of {nameLength} bytes does not fit a {length}-byte record");
        }

        int systemUse = FixedSize + nameLength + ((nameLength & 1) == 0 ? 1 : 0);
        return new IsoDirectoryRecord(
            length,
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Extent..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Size..]),
            span[Layout.Flags],
            span[Layout.FileUnitSize],
            span.Slice(Layout.Name, nameLength).ToArray(),
            Math.Min(systemUse, length));
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary><c>length</c>.</summary>
        public const int Length = 0;

        /// <summary><c>ext_attr_length</c>.</summary>
        public const int ExtendedAttributeLength = 1;

        /// <summary><c>extent</c> (both-endian; the little-endian half).</summary>
        public const int Extent = 2;

        /// <summary><c>size</c> (both-endian; the little-endian half).</summary>
        public const int Size = 10;

        /// <summary><c>date</c>.</summary>
        public const int Date = 18;

        /// <summary><c>flags</c>.</summary>
        public const int Flags = 25;

        /// <summary><c>file_unit_size</c>.</summary>
        public const int FileUnitSize = 26;

        /// <summary><c>interleave</c>.</summary>
        public const int Interleave = 27;

        /// <summary><c>name_len</c>.</summary>
        public const int NameLength = 32;

        /// <summary><c>name</c>.</summary>
        public const int Name = 33;
    }
}
