using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary>
/// <c>struct dx_countlimit</c>: the count and capacity of an htree index block (<c>dx_root</c> or <c>dx_node</c>),
/// followed by <c>limit</c> 8-byte <c>dx_entry</c> slots and, with metadata_csum, the 8-byte <c>dx_tail</c>.
/// The reader scans htree directories linearly; it parses this only to verify the index block's checksum.
/// </summary>
internal readonly struct Ext4DxCountLimit
{
    /// <summary>The size of the structure on disk (it shares its slot with the first dx_entry).</summary>
    public const int Size = 4;

    /// <summary>The size of one <c>dx_entry</c>.</summary>
    public const int EntrySize = 8;

    /// <summary>The size of <c>dx_tail</c> (dt_reserved, dt_checksum).</summary>
    public const int TailSize = 8;

    /// <summary>Where dx_root_info starts in a dx_root block (after the "." and ".." records).</summary>
    public const int RootInfoOffset = 0x18;

    /// <summary>The offset of info_length within dx_root_info.</summary>
    public const int RootInfoLengthOffset = 5;

    /// <summary>Where the count/limit pair starts in a dx_node block (after the empty fake record header).</summary>
    public const int NodeCountOffset = 8;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "dx_countlimit";

    private Ext4DxCountLimit(int limit, int count, int countOffset)
    {
        Limit = limit;
        Count = count;
        CountOffset = countOffset;
    }

    /// <summary>limit: the number of dx_entry slots.</summary>
    public int Limit { get; }

    /// <summary>count: the slots in use.</summary>
    public int Count { get; }

    /// <summary>Where the structure lies in its block.</summary>
    public int CountOffset { get; }

    /// <summary>Where dx_tail lies in the block.</summary>
    public int TailOffset => CountOffset + (Limit * EntrySize);

    /// <summary>Parses the pair at <paramref name="countOffset"/> of an index block and checks count ≤ limit and that the slots and the tail fit the block.</summary>
    public static Ext4DxCountLimit Parse(ReadOnlySpan<byte> block, int countOffset, long blockDiskOffset, string source)
    {
        if (countOffset < 0 || countOffset + Size > block.Length)
        {
            throw new CorruptImageException(source, StructureName, "limit", blockDiskOffset + Math.Max(countOffset, 0),
                $"the count/limit pair at {countOffset} lies outside the {block.Length}-byte block");
        }

        int limit = BinaryPrimitives.ReadUInt16LittleEndian(block[(countOffset + Layout.Limit)..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(block[(countOffset + Layout.Count)..]);
        if (limit == 0 || countOffset + ((long)limit * EntrySize) + TailSize > block.Length)
        {
            throw new CorruptImageException(source, StructureName, "limit", blockDiskOffset + countOffset + Layout.Limit,
                $"{limit} index slots and the tail do not fit the {block.Length}-byte block");
        }

        if (count > limit)
        {
            throw new CorruptImageException(source, StructureName, "count", blockDiskOffset + countOffset + Layout.Count,
                $"{count} index entries in {limit} slots");
        }

        return new Ext4DxCountLimit(limit, count, countOffset);
    }

    /// <summary>Field offsets within <c>dx_countlimit</c>.</summary>
    public static class Layout
    {
        public const int Limit = 0;
        public const int Count = 2;
    }
}
