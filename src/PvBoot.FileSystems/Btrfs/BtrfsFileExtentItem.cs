using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>
/// <c>btrfs_file_extent_item</c>: a piece of a file's data, either inline after <see cref="InlineDataOffset"/> or
/// in a disk extent (possibly compressed, possibly preallocated, or a hole when <c>disk_bytenr</c> is 0).
/// </summary>
internal readonly struct BtrfsFileExtentItem
{
    /// <summary>The size of a regular or prealloc extent item.</summary>
    public const int Size = 53;

    /// <summary>Where inline data starts.</summary>
    public const int InlineDataOffset = 21;

    private BtrfsFileExtentItem(ulong ramBytes, byte compression, byte type, ulong diskBytenr, ulong diskNumBytes, ulong offset, ulong numBytes)
    {
        RamBytes = ramBytes;
        Compression = compression;
        Type = type;
        DiskBytenr = diskBytenr;
        DiskNumBytes = diskNumBytes;
        Offset = offset;
        NumBytes = numBytes;
    }

    /// <summary>The decompressed size of the whole extent.</summary>
    public ulong RamBytes { get; }

    /// <summary>The compression algorithm.</summary>
    public byte Compression { get; }

    /// <summary>Inline, regular or prealloc.</summary>
    public byte Type { get; }

    /// <summary>Logical address of the disk extent (0 for a hole).</summary>
    public ulong DiskBytenr { get; }

    /// <summary>The disk extent's (compressed) size.</summary>
    public ulong DiskNumBytes { get; }

    /// <summary>Where this file range starts inside the (decompressed) extent.</summary>
    public ulong Offset { get; }

    /// <summary>The file bytes this item covers (for an inline extent: the decompressed size).</summary>
    public ulong NumBytes { get; }

    /// <summary>Parses and validates an extent item occupying the whole of <paramref name="span"/>.</summary>
    /// <param name="span">The item's data.</param>
    /// <param name="diskOffset">Its absolute offset.</param>
    /// <param name="source">The source name.</param>
    /// <param name="sectorSize">The sector size: inline extents hold less than one sector.</param>
    public static BtrfsFileExtentItem Parse(ReadOnlySpan<byte> span, long diskOffset, string source, uint sectorSize)
    {
        if (span.Length < InlineDataOffset)
        {
            throw Error("type", Layout.Type, $"an extent item of {span.Length} bytes is too short");
        }

        ulong ramBytes = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.RamBytes..]);
        byte compression = span[Layout.Compression];
        byte type = span[Layout.Type];
        if (compression > BtrfsConstants.CompressZstd)
        {
            throw new CorruptImageException(source, "btrfs_file_extent_item", "compression", diskOffset + Layout.Compression,
                $"compression type {compression} is unknown", ImageProblem.Unsupported);
        }

        if (span[Layout.Encryption] != 0 || BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.OtherEncoding..]) != 0)
        {
            throw new CorruptImageException(source, "btrfs_file_extent_item", "encryption", diskOffset + Layout.Encryption,
                "encrypted or otherwise encoded extents are not read", ImageProblem.Unsupported);
        }

        if (type == BtrfsConstants.FileExtentInline)
        {
            int stored = span.Length - InlineDataOffset;
            if (compression == BtrfsConstants.CompressNone)
            {
                if (ramBytes != (ulong)stored)
                {
                    throw Error("ram_bytes", Layout.RamBytes, $"an uncompressed inline extent claims {ramBytes} bytes but holds {stored}");
                }

                return new BtrfsFileExtentItem((ulong)stored, compression, type, 0, 0, 0, (ulong)stored);
            }

            if (ramBytes == 0 || ramBytes >= sectorSize)
            {
                throw Error("ram_bytes", Layout.RamBytes, $"an inline extent claims {ramBytes} decompressed bytes; inline data holds less than one {sectorSize}-byte sector");
            }

            return new BtrfsFileExtentItem(ramBytes, compression, type, 0, (ulong)stored, 0, ramBytes);
        }

        if (type is not (BtrfsConstants.FileExtentRegular or BtrfsConstants.FileExtentPrealloc))
        {
            throw Error("type", Layout.Type, $"extent type {type} is unknown");
        }

        if (span.Length < Size)
        {
            throw Error("type", Layout.Type, $"a regular extent item of {span.Length} bytes is shorter than {Size}");
        }

        ulong diskBytenr = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.DiskBytenr..]);
        ulong diskNumBytes = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.DiskNumBytes..]);
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Offset..]);
        ulong numBytes = BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.NumBytes..]);
        if (numBytes == 0 || numBytes > long.MaxValue)
        {
            throw Error("num_bytes", Layout.NumBytes, $"an extent of {numBytes} bytes is empty or beyond 2^63");
        }

        if (diskBytenr != 0 && diskBytenr > ulong.MaxValue - diskNumBytes)
        {
            throw Error("disk_num_bytes", Layout.DiskNumBytes, $"the disk extent {diskBytenr}+{diskNumBytes} wraps");
        }

        if (compression != BtrfsConstants.CompressNone && type == BtrfsConstants.FileExtentRegular && diskBytenr != 0)
        {
            if (ramBytes == 0 || ramBytes > BtrfsConstants.MaxUncompressedExtent)
            {
                throw Error("ram_bytes", Layout.RamBytes, $"a compressed extent claims {ramBytes} bytes; the limit is {BtrfsConstants.MaxUncompressedExtent}");
            }

            if (diskNumBytes == 0 || diskNumBytes > BtrfsConstants.MaxUncompressedExtent)
            {
                throw Error("disk_num_bytes", Layout.DiskNumBytes, $"a compressed extent occupies {diskNumBytes} bytes on disk; the limit is {BtrfsConstants.MaxUncompressedExtent}");
            }

            if (offset > ramBytes || numBytes > ramBytes - offset)
            {
                throw Error("offset", Layout.Offset, $"the range {offset}+{numBytes} lies outside the {ramBytes} decompressed bytes");
            }
        }
        else if (diskBytenr != 0 && (offset > diskNumBytes || numBytes > diskNumBytes - offset))
        {
            throw Error("offset", Layout.Offset, $"the range {offset}+{numBytes} lies outside the {diskNumBytes}-byte disk extent");
        }

        return new BtrfsFileExtentItem(ramBytes, compression, type, diskBytenr, diskNumBytes, offset, numBytes);

        CorruptImageException Error(string field, int offset, string problem)
            => new(source, "btrfs_file_extent_item", field, diskOffset + offset, problem);
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Generation = 0;
        public const int RamBytes = 8;
        public const int Compression = 16;
        public const int Encryption = 17;
        public const int OtherEncoding = 18;
        public const int Type = 20;
        public const int DiskBytenr = 21;
        public const int DiskNumBytes = 29;
        public const int Offset = 37;
        public const int NumBytes = 45;
    }
}
