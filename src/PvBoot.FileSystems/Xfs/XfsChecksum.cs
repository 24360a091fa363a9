using System.Buffers.Binary;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Xfs;

/// <summary>The v5 metadata checksum: CRC-32C of the whole structure with its own CRC field taken as zero, stored little-endian.</summary>
internal static class XfsChecksum
{
    /// <summary>Whether the CRC stored at <paramref name="crcOffset"/> matches <paramref name="buffer"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> buffer, int crcOffset)
    {
        if (crcOffset < 0 || crcOffset > buffer.Length - sizeof(uint))
        {
            return false;
        }

        uint crc = Crc32C.Append(~0u, buffer[..crcOffset]);
        crc = Crc32C.Append(crc, [0, 0, 0, 0]);
        crc = Crc32C.Append(crc, buffer[(crcOffset + sizeof(uint))..]);
        return ~crc == BinaryPrimitives.ReadUInt32LittleEndian(buffer[crcOffset..]);
    }

    /// <summary>Writes the correct CRC into <paramref name="buffer"/> (used to build test variants that reach the validators).</summary>
    public static void Update(Span<byte> buffer, int crcOffset)
    {
        buffer.Slice(crcOffset, sizeof(uint)).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[crcOffset..], Crc32C.Compute(buffer));
    }
}
