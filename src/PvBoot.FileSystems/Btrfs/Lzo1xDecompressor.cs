namespace PvBoot.FileSystems.Btrfs;

/// <summary>
/// A bounds-checked LZO1X decompressor (the format btrfs' lzo compression stores in each segment). Every read of the
/// input, every write of the output and every back-reference is checked; bad data is an
/// <see cref="InvalidDataException"/> that the caller turns into a located error.
/// </summary>
internal static class Lzo1xDecompressor
{
    private const int NearDistanceBase = 2048 + 1;
    private const int FarDistanceBase = 0x4000;

    /// <summary>Decompresses one LZO1X stream that must end exactly at the end of <paramref name="input"/>.</summary>
    /// <param name="input">The compressed stream.</param>
    /// <param name="output">Room for the result; producing more is an error.</param>
    /// <returns>The number of bytes produced.</returns>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0;
        int op = 0;
        int state;
        if (input.IsEmpty)
        {
            throw new InvalidDataException("an empty LZO stream");
        }

        if (input[0] > 17)
        {
            int count = input[ip++] - 17;
            CopyLiterals(input, ref ip, output, ref op, count);
            state = count < 4 ? count : 4;
        }
        else
        {
            state = 0;
        }

        while (true)
        {
            int t = Next(input, ref ip);
            int length;
            int distance;
            int trailing;
            if (t < 16)
            {
                if (state == 0)
                {
                    length = t == 0 ? 3 + ExtendedLength(input, ref ip, 15) : t + 3;
                    CopyLiterals(input, ref ip, output, ref op, length);
                    state = 4;
                    continue;
                }

                trailing = t & 3;
                int high = Next(input, ref ip);
                if (state != 4)
                {
                    length = 2;
                    distance = 1 + (t >> 2) + (high << 2);
                }
                else
                {
                    length = 3;
                    distance = NearDistanceBase + (t >> 2) + (high << 2);
                }
            }
            else if (t >= 64)
            {
                trailing = t & 3;
                distance = 1 + ((t >> 2) & 7) + (Next(input, ref ip) << 3);
                length = (t >> 5) + 1;
            }
            else if (t >= 32)
            {
                length = (t & 31) == 0 ? 2 + ExtendedLength(input, ref ip, 31) : (t & 31) + 2;
                int word = Next(input, ref ip) | (Next(input, ref ip) << 8);
                distance = 1 + (word >> 2);
                trailing = word & 3;
            }
            else
            {
                length = (t & 7) == 0 ? 2 + ExtendedLength(input, ref ip, 7) : (t & 7) + 2;
                int word = Next(input, ref ip) | (Next(input, ref ip) << 8);
                distance = ((t & 8) << 11) + (word >> 2);
                trailing = word & 3;
                if (distance == 0)
                {
                    if (length != 3)
                    {
                        throw new InvalidDataException("a malformed LZO end marker");
                    }

                    if (ip != input.Length)
                    {
                        throw new InvalidDataException($"{input.Length - ip} bytes follow the LZO end marker");
                    }

                    return op;
                }

                distance += FarDistanceBase;
            }

            if (distance > op)
            {
                throw new InvalidDataException($"an LZO back-reference of {distance} bytes reaches before the {op} bytes produced");
            }

            if (length > output.Length - op)
            {
                throw new InvalidDataException($"the LZO stream produces more than {output.Length} bytes");
            }

            for (int i = 0; i < length; i++)
            {
                output[op] = output[op - distance];
                op++;
            }

            CopyLiterals(input, ref ip, output, ref op, trailing);
            state = trailing;
        }
    }

    private static int Next(ReadOnlySpan<byte> input, ref int ip)
    {
        if (ip >= input.Length)
        {
            throw new InvalidDataException("the LZO stream ends without an end marker");
        }

        return input[ip++];
    }

    // A length field of 0 continues with runs of zero bytes (255 each) and one final non-zero byte.
    private static int ExtendedLength(ReadOnlySpan<byte> input, ref int ip, int bias)
    {
        int zeros = 0;
        int b;
        while ((b = Next(input, ref ip)) == 0)
        {
            zeros++;
        }

        // zeros < input.Length <= int.MaxValue / 256 for any input a caller passes (a segment is a few KiB).
        return checked((zeros * 255) + bias + b);
    }

    private static void CopyLiterals(ReadOnlySpan<byte> input, ref int ip, Span<byte> output, ref int op, int count)
    {
        if (count > input.Length - ip)
        {
            throw new InvalidDataException($"{count} literal bytes run past the end of the LZO stream");
        }

        if (count > output.Length - op)
        {
            throw new InvalidDataException($"the LZO stream produces more than {output.Length} bytes");
        }

        input.Slice(ip, count).CopyTo(output[op..]);
        ip += count;
        op += count;
    }
}
