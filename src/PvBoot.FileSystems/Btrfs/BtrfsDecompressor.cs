using System.Buffers.Binary;
using System.IO.Compression;
using ZstdSharp;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>
/// Inflates one compressed btrfs extent: a zlib stream, a zstd frame followed by padding, or btrfs' lzo layout
/// (a 4-byte total length, then segments of a 4-byte length and an LZO1X stream of at most one sector each, a
/// segment header never straddling a sector boundary). Bad data is an <see cref="InvalidDataException"/>.
/// </summary>
internal static class BtrfsDecompressor
{
    private const int LengthFieldSize = 4;

    // FLG.FDICT in a zlib header (RFC 1950 §2.2).
    private const byte ZlibPresetDictionaryFlag = 0x20;

    /// <summary>Decompresses <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <param name="compression">The btrfs compression type.</param>
    /// <param name="input">The compressed bytes.</param>
    /// <param name="output">Exactly <c>ram_bytes</c> long.</param>
    /// <param name="sectorSize">The file system's sector size (lzo segment size).</param>
    /// <returns>The bytes produced, or -1 when the data inflates past <paramref name="output"/>.</returns>
    public static int Decompress(byte compression, ReadOnlySpan<byte> input, Span<byte> output, int sectorSize) => compression switch
    {
        BtrfsConstants.CompressZlib => Zlib(input, output),
        BtrfsConstants.CompressZstd => Zstd(input, output),
        BtrfsConstants.CompressLzo => Lzo(input, output, sectorSize),
        _ => throw new InvalidDataException($"compression type {compression} is unknown"),
    };

    private static int Zlib(ReadOnlySpan<byte> input, Span<byte> output)
    {
        // btrfs writes plain zlib streams; a header asking for a preset dictionary (FLG.FDICT) cannot be inflated.
        if (input.Length >= 2 && (input[1] & ZlibPresetDictionaryFlag) != 0)
        {
            throw new InvalidDataException("the zlib stream asks for a preset dictionary, which btrfs never uses");
        }

        using var stream = new ZLibStream(new MemoryStream(input.ToArray(), writable: false), CompressionMode.Decompress);
        int total = 0;
        Span<byte> probe = stackalloc byte[1];
        try
        {
            while (true)
            {
                int n = total < output.Length ? stream.Read(output[total..]) : stream.Read(probe);
                if (n == 0)
                {
                    return total;
                }

                if (total >= output.Length)
                {
                    return -1;
                }

                total += n;
            }
        }
        catch (IOException e)
        {
            // zlib's other error codes surface as an IOException (the stream is in memory, so none is an I/O error).
            throw new InvalidDataException($"the zlib stream is corrupt: {e.Message}", e);
        }
    }

    private static int Zstd(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int frame = ZstdFrameSize(input);
        byte[] room = new byte[output.Length + 1];
        using var decompressor = new Decompressor();
        int written;
        try
        {
            if (!decompressor.TryUnwrap(input[..frame], room, out written))
            {
                return -1;
            }
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException($"the zstd frame is corrupt: {e.Message}", e);
        }

        if (written > output.Length)
        {
            return -1;
        }

        room.AsSpan(0, written).CopyTo(output);
        return written;
    }

    // The length of the first zstd frame (magic, header, blocks, optional checksum): btrfs pads after it.
    private static int ZstdFrameSize(ReadOnlySpan<byte> input)
    {
        if (input.Length < 6 || BinaryPrimitives.ReadUInt32LittleEndian(input) != 0xFD2FB528)
        {
            throw new InvalidDataException("the extent does not start with a zstd frame");
        }

        byte descriptor = input[4];
        bool singleSegment = (descriptor & 0x20) != 0;
        int position = 5 + (singleSegment ? 0 : 1) + (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        position += (descriptor >> 6) switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        while (true)
        {
            if (position > input.Length - 3)
            {
                throw new InvalidDataException("the zstd frame runs past the extent");
            }

            int header = input[position] | (input[position + 1] << 8) | (input[position + 2] << 16);
            position += 3;
            int blockType = (header >> 1) & 3;
            int blockSize = header >> 3;
            position += blockType switch
            {
                0 or 2 => blockSize,
                1 => 1,
                _ => throw new InvalidDataException("a zstd block of the reserved type"),
            };
            if (position > input.Length)
            {
                throw new InvalidDataException("a zstd block runs past the extent");
            }

            if ((header & 1) != 0)
            {
                break;
            }
        }

        position += (descriptor & 4) != 0 ? 4 : 0;
        return position <= input.Length ? position : throw new InvalidDataException("the zstd checksum runs past the extent");
    }

    private static int Lzo(ReadOnlySpan<byte> input, Span<byte> output, int sectorSize)
    {
        if (input.Length < LengthFieldSize)
        {
            throw new InvalidDataException("the lzo extent is shorter than its length field");
        }

        uint totalLength = BinaryPrimitives.ReadUInt32LittleEndian(input);
        if (totalLength < LengthFieldSize || totalLength > input.Length)
        {
            throw new InvalidDataException($"the lzo extent claims {totalLength} bytes but holds {input.Length}");
        }

        int maxSegment = sectorSize + (sectorSize / 16) + 64 + 3;
        int position = LengthFieldSize;
        int produced = 0;
        byte[] scratch = new byte[sectorSize];
        while (position < totalLength)
        {
            int leftInSector = sectorSize - (position % sectorSize);
            if (leftInSector < LengthFieldSize)
            {
                position += leftInSector;
                if (position >= totalLength)
                {
                    break;
                }
            }

            if (position > totalLength - LengthFieldSize)
            {
                throw new InvalidDataException("an lzo segment header runs past the extent");
            }

            uint segmentLength = BinaryPrimitives.ReadUInt32LittleEndian(input[position..]);
            position += LengthFieldSize;
            if (segmentLength == 0 || segmentLength > maxSegment || segmentLength > totalLength - position)
            {
                throw new InvalidDataException($"an lzo segment of {segmentLength} bytes does not fit the extent");
            }

            // A segment holds at most one sector; decompress it aside so that an overlong one is told apart from corruption.
            int segmentBytes = Lzo1xDecompressor.Decompress(input.Slice(position, (int)segmentLength), scratch);
            if (segmentBytes > output.Length - produced)
            {
                return -1;
            }

            scratch.AsSpan(0, segmentBytes).CopyTo(output[produced..]);
            produced += segmentBytes;
            position += (int)segmentLength;
        }

        return produced;
    }
}
