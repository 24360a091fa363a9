using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>A SUSP <c>CE</c> (continuation area) entry: where the system use area goes on.</summary>
internal readonly struct SuspCe
{
    /// <summary>The entry's size.</summary>
    public const int Size = 28;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "susp_ce";

    private SuspCe(uint block, uint offset, uint length)
    {
        Block = block;
        Offset = offset;
        Length = length;
    }

    /// <summary>The block holding the continuation area.</summary>
    public uint Block { get; }

    /// <summary>The area's offset within the block.</summary>
    public uint Offset { get; }

    /// <summary>The area's length.</summary>
    public uint Length { get; }

    /// <summary>Parses the entry and checks that the area lies inside one block.</summary>
    /// <param name="span">The entry's bytes (its <c>LEN</c>).</param>
    /// <param name="diskOffset">The absolute offset of the entry.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The entry.</returns>
    public static SuspCe Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset + SuspEntry.Layout.Length,
                $"a CE entry of {span.Length} bytes is shorter than {Size}");
        }

        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Offset..]);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Length..]);
        if (offset >= 2048 || length > 2048 - offset)
        {
            throw new CorruptImageException(source, StructureName, "length", diskOffset + Layout.Length,
                $"a continuation area of {length} bytes at offset {offset} does not fit in a 2048-byte block");
        }

        return new SuspCe(BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Block..]), offset, length);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary>Block location of the continuation area (both-endian; the little-endian half).</summary>
        public const int Block = 4;

        /// <summary>Offset within the block (both-endian).</summary>
        public const int Offset = 12;

        /// <summary>Length of the area (both-endian).</summary>
        public const int Length = 20;
    }
}
