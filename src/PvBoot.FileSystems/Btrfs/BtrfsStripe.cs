using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_stripe</c>: where one copy (or stripe) of a chunk lives on a device.</summary>
internal readonly struct BtrfsStripe
{
    /// <summary>The on-disk size.</summary>
    public const int Size = 32;

    private BtrfsStripe(ulong devId, ulong offset, long diskOffset)
    {
        DevId = devId;
        Offset = offset;
        DiskOffset = diskOffset;
    }

    /// <summary>The device id.</summary>
    public ulong DevId { get; }

    /// <summary>The physical byte offset on that device.</summary>
    public ulong Offset { get; }

    /// <summary>Where this stripe record itself lies in the image (for error messages).</summary>
    public long DiskOffset { get; }

    /// <summary>Parses a stripe record.</summary>
    public static BtrfsStripe Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_stripe", "devid", diskOffset, $"{span.Length} bytes are too few for a {Size}-byte stripe");
        }

        return new BtrfsStripe(
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.DevId..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Offset..]),
            diskOffset);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int DevId = 0;
        public const int Offset = 8;
        public const int DevUuid = 16;
    }
}
