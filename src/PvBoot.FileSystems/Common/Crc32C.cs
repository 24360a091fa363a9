using System.Buffers.Binary;
using System.Numerics;

namespace PvBoot.FileSystems.Common;

/// <summary>
/// CRC-32C (Castagnoli), the metadata checksum of ext4, XFS v5 and btrfs, computed with the BCL's
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> (hardware instruction where available).
/// </summary>
internal static class Crc32C
{
    /// <summary>Continues a raw CRC-32C (no initial or final inversion) over <paramref name="data"/>.</summary>
    /// <param name="crc">The running value.</param>
    /// <param name="data">The bytes.</param>
    /// <returns>The new running value.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    /// <summary>The standard CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);
}
