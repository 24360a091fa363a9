using System.Buffers.Binary;
using System.Numerics;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_chunk</c>: maps a range of logical addresses to one or more device stripes.</summary>
internal sealed class BtrfsChunk
{
    /// <summary>The size of the fixed part; <see cref="BtrfsStripe"/> records follow.</summary>
    public const int Size = 48;

    private BtrfsChunk(ulong logical, ulong length, ulong type, BtrfsStripe[] stripes, long diskOffset)
    {
        Logical = logical;
        Length = length;
        Type = type;
        Stripes = stripes;
        DiskOffset = diskOffset;
    }

    /// <summary>The first logical address (the key's offset).</summary>
    public ulong Logical { get; }

    /// <summary>The number of logical bytes mapped.</summary>
    public ulong Length { get; }

    /// <summary>Block group type and profile bits.</summary>
    public ulong Type { get; }

    /// <summary>The copies or stripes.</summary>
    public IReadOnlyList<BtrfsStripe> Stripes { get; }

    /// <summary>Where the chunk record lies in the image.</summary>
    public long DiskOffset { get; }

    /// <summary>The number of bytes a chunk with <paramref name="numStripes"/> stripes occupies.</summary>
    public static int RecordSize(int numStripes) => Size + (numStripes * BtrfsStripe.Size);

    /// <summary>Reads <c>num_stripes</c> without validating, to size the record.</summary>
    public static int PeekStripeCount(ReadOnlySpan<byte> span) => BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.NumStripes..]);

    /// <summary>
    /// Parses and validates a chunk: a non-zero length and stripe length, a stripe count that fits
    /// <paramref name="span"/> and agrees with the profile, and only the profiles a single device can hold.
    /// </summary>
    /// <param name="span">The bytes available for the record (the item, or the rest of the bootstrap array).</param>
    /// <param name="diskOffset">The record's absolute offset.</param>
    /// <param name="source">The source name.</param>
    /// <param name="logical">The key's offset: the first logical address.</param>
    /// <param name="sectorSize">The file system's sector size.</param>
    public static BtrfsChunk Parse(ReadOnlySpan<byte> span, long diskOffset, string source, ulong logical, uint sectorSize)
    {
        if (span.Length < Size)
        {
            throw Error("length", 0, $"{span.Length} bytes are too few for a {Size}-byte chunk");
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Length..]);
        if (length == 0 || length % sectorSize != 0 || logical % sectorSize != 0 || logical > ulong.MaxValue - length)
        {
            throw Error("length", Layout.Length, $"chunk at logical {logical} with length {length} is empty, unaligned or wraps");
        }

        ulong stripeLen = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.StripeLen..]);
        if (stripeLen == 0 || !BitOperations.IsPow2(stripeLen) || stripeLen > (1UL << 32))
        {
            throw Error("stripe_len", Layout.StripeLen, $"stripe length {stripeLen} is not a power of two up to 4 GiB");
        }

        int numStripes = PeekStripeCount(span);
        int capacity = (span.Length - Size) / BtrfsStripe.Size;
        if (numStripes == 0 || numStripes > capacity)
        {
            throw Error("num_stripes", Layout.NumStripes,
                $"{numStripes} stripes do not fit the {span.Length - Size} bytes after the chunk (at least 1, at most {capacity})");
        }

        ulong type = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Type..]);
        ushort subStripes = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.SubStripes..]);
        if ((type & BtrfsConstants.BlockGroupRaid10) != 0 && subStripes != 2)
        {
            throw Error("sub_stripes", Layout.SubStripes, $"a RAID10 chunk needs 2 sub-stripes, not {subStripes}");
        }

        string? unsupported = (type & (BtrfsConstants.BlockGroupRaid0 | BtrfsConstants.BlockGroupRaid10
            | BtrfsConstants.BlockGroupRaid5 | BtrfsConstants.BlockGroupRaid6)) switch
        {
            0 => null,
            BtrfsConstants.BlockGroupRaid0 => "RAID0",
            BtrfsConstants.BlockGroupRaid10 => "RAID10",
            BtrfsConstants.BlockGroupRaid5 => "RAID5",
            BtrfsConstants.BlockGroupRaid6 => "RAID6",
            _ => "mixed RAID",
        };
        if (unsupported is not null)
        {
            throw new CorruptImageException(source, "btrfs_chunk", "type", diskOffset + Layout.Type,
                $"the {unsupported} chunk profile (type 0x{type:X}) is not read: only single, DUP and mirrored (RAID1/1C3/1C4) chunks are", ImageProblem.Unsupported);
        }

        int expected = (type & (BtrfsConstants.BlockGroupDup | BtrfsConstants.BlockGroupRaid1)) != 0 ? 2
            : (type & BtrfsConstants.BlockGroupRaid1C3) != 0 ? 3
            : (type & BtrfsConstants.BlockGroupRaid1C4) != 0 ? 4
            : 1;
        if (numStripes != expected)
        {
            throw Error("num_stripes", Layout.NumStripes, $"a chunk of type 0x{type:X} needs {expected} stripes, not {numStripes}");
        }

        var stripes = new BtrfsStripe[numStripes];
        for (int i = 0; i < numStripes; i++)
        {
            int at = Size + (i * BtrfsStripe.Size);
            stripes[i] = BtrfsStripe.Parse(span[at..], diskOffset + at, source);
        }

        return new BtrfsChunk(logical, length, type, stripes, diskOffset);

        CorruptImageException Error(string field, int offset, string problem)
            => new(source, "btrfs_chunk", field, diskOffset + offset, problem);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Length = 0;
        public const int Owner = 8;
        public const int StripeLen = 16;
        public const int Type = 24;
        public const int IoAlign = 32;
        public const int IoWidth = 40 - 4;
        public const int SectorSize = 40;
        public const int NumStripes = 44;
        public const int SubStripes = 46;
    }
}
