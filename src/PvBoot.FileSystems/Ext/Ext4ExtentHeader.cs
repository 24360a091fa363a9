using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary><c>struct ext4_extent_header</c>: the 12 bytes that open every extent tree node (in <c>i_block</c> or in a block).</summary>
internal readonly struct Ext4ExtentHeader
{
    /// <summary>The size of the structure on disk; entries follow it.</summary>
    public const int Size = 12;

    /// <summary>The value of <c>eh_magic</c>.</summary>
    public const ushort Magic = 0xF30A;

    /// <summary>The deepest tree Linux builds or accepts.</summary>
    public const int MaxDepth = 5;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_extent_header";

    private Ext4ExtentHeader(ushort entries, ushort max, ushort depth)
    {
        Entries = entries;
        Max = max;
        Depth = depth;
    }

    /// <summary>eh_entries: valid entries after the header.</summary>
    public ushort Entries { get; }

    /// <summary>eh_max: the node's capacity in entries.</summary>
    public ushort Max { get; }

    /// <summary>eh_depth: 0 for a leaf of <see cref="Ext4Extent"/>, else a node of <see cref="Ext4ExtentIdx"/>.</summary>
    public ushort Depth { get; }

    /// <summary>
    /// Parses a node header and checks it against the node it opens: <paramref name="span"/> is the whole node (60 bytes
    /// of <c>i_block</c> or one block), so eh_max must fit it and eh_entries must not exceed eh_max.
    /// </summary>
    public static Ext4ExtentHeader Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw Error(source, "eh_magic", diskOffset, $"a node of {span.Length} bytes cannot hold the {Size}-byte header");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Magic..]) != Magic)
        {
            throw Error(source, "eh_magic", diskOffset + Layout.Magic, $"bad magic 0x{BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Magic..]):x4}");
        }

        var header = new Ext4ExtentHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Entries..]),
            BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Max..]),
            BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Depth..]));
        int capacity = (span.Length - Size) / Ext4Extent.Size;
        if (header.Max == 0 || header.Max > capacity)
        {
            throw Error(source, "eh_max", diskOffset + Layout.Max, $"capacity {header.Max} is 0 or more than the {capacity} entries the node can hold");
        }

        if (header.Entries > header.Max)
        {
            throw Error(source, "eh_entries", diskOffset + Layout.Entries, $"{header.Entries} entries in a node of capacity {header.Max}");
        }

        if (header.Depth > MaxDepth)
        {
            throw Error(source, "eh_depth", diskOffset + Layout.Depth, $"depth {header.Depth} is more than {MaxDepth}");
        }

        return header;
    }

    private static CorruptImageException Error(string source, string field, long offset, string problem)
        => new(source, StructureName, field, offset, problem);

    /// <summary>Field offsets within <c>ext4_extent_header</c>.</summary>
    public static class Layout
    {
        public const int Magic = 0;
        public const int Entries = 2;
        public const int Max = 4;
        public const int Depth = 6;
    }
}
