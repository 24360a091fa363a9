using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary><c>struct ext4_extent</c>: a leaf entry mapping a run of logical blocks to physical blocks.</summary>
internal readonly struct Ext4Extent
{
    /// <summary>The size of the structure on disk.</summary>
    public const int Size = 12;

    /// <summary><c>EXT_INIT_MAX_LEN</c>: lengths above it mark an unwritten (preallocated) extent of length − 32,768.</summary>
    public const int InitMaxLength = 32768;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_extent";

    private Ext4Extent(uint logicalBlock, int length, bool unwritten, ulong physicalBlock)
    {
        LogicalBlock = logicalBlock;
        Length = length;
        Unwritten = unwritten;
        PhysicalBlock = physicalBlock;
    }

    /// <summary>ee_block: the first logical block.</summary>
    public uint LogicalBlock { get; }

    /// <summary>The number of blocks (ee_len without the unwritten marker).</summary>
    public int Length { get; }

    /// <summary>Whether the extent is unwritten and reads as zeros.</summary>
    public bool Unwritten { get; }

    /// <summary>ee_start_hi:ee_start_lo: the first physical block.</summary>
    public ulong PhysicalBlock { get; }

    /// <summary>The logical block after the last one.</summary>
    public long EndLogicalBlock => (long)LogicalBlock + Length;

    /// <summary>Parses one extent and checks its length, its logical range (below 2^32) and its physical range (inside the file system).</summary>
    public static Ext4Extent Parse(ReadOnlySpan<byte> span, ulong blocksCount, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "ee_block", diskOffset, $"only {span.Length} of {Size} bytes available");
        }

        uint logical = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Block..]);
        int rawLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Len..]);
        ulong physical = ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.StartHi..]) << 32)
            | BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.StartLo..]);
        bool unwritten = rawLength > InitMaxLength;
        int length = unwritten ? rawLength - InitMaxLength : rawLength;
        if (length == 0)
        {
            throw new CorruptImageException(source, StructureName, "ee_len", diskOffset + Layout.Len, "an extent of length 0");
        }

        if ((long)logical + length > 1L << 32)
        {
            throw new CorruptImageException(source, StructureName, "ee_block", diskOffset + Layout.Block,
                $"logical blocks {logical}+{length} run past 2^32");
        }

        if (physical == 0 || physical >= blocksCount || (ulong)length > blocksCount - physical)
        {
            throw new CorruptImageException(source, StructureName, "ee_start_lo", diskOffset + Layout.StartLo,
                $"physical blocks {physical}+{length} lie outside the file system's {blocksCount} blocks");
        }

        return new Ext4Extent(logical, length, unwritten, physical);
    }

    /// <summary>Field offsets within <c>ext4_extent</c>.</summary>
    public static class Layout
    {
        public const int Block = 0;
        public const int Len = 4;
        public const int StartHi = 6;
        public const int StartLo = 8;
    }
}
