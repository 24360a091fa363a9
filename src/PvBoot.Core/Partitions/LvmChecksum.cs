using System.Buffers.Binary;
using System.IO.Hashing;

namespace PvBoot.Core.Partitions;

/// <summary>
/// The checksum LVM2 stores in <c>label_header</c>, <c>mda_header</c> and <c>raw_locn</c>: the reflected CRC-32
/// polynomial 0xEDB88320 (the one <see cref="Crc32"/> computes), but with the register starting at 0xF597A6CF and no
/// final inversion. <see cref="Crc32"/> starts at 0xFFFFFFFF and inverts at the end, so this class feeds it four
/// bytes that move its register from 0xFFFFFFFF to 0xF597A6CF before the data, and undoes the final inversion.
/// </summary>
internal static class LvmChecksum
{
    /// <summary>The initial register value LVM2 uses.</summary>
    public const uint InitialValue = 0xF597A6CF;

    private const uint ReflectedPolynomial = 0xEDB88320;

    private static readonly byte[] Prefix = ComputePrefix();

    /// <summary>Starts a checksum; feed it with <see cref="Crc32.Append(ReadOnlySpan{byte})"/> and finish with <see cref="Finish"/>.</summary>
    public static Crc32 Start()
    {
        var crc = new Crc32();
        crc.Append(Prefix);
        return crc;
    }

    /// <summary>The LVM2 checksum of the bytes appended to <paramref name="crc"/>.</summary>
    public static uint Finish(Crc32 crc) => ~crc.GetCurrentHashAsUInt32();

    /// <summary>The LVM2 checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        Crc32 crc = Start();
        crc.Append(data);
        return Finish(crc);
    }

    /// <summary>
    /// Feeding four bytes x (little-endian) to a reflected CRC register r leaves T(r ^ x), where T is 32 shift-and-reduce
    /// steps and is invertible. So x = T⁻¹(0xF597A6CF) ^ 0xFFFFFFFF moves the register from 0xFFFFFFFF to 0xF597A6CF.
    /// </summary>
    private static byte[] ComputePrefix()
    {
        uint value = InitialValue;
        for (int i = 0; i < 32; i++)
        {
            // A forward step shifts right and, if the low bit was set, XORs the polynomial (whose top bit is set).
            value = (value & 0x80000000) != 0 ? ((value ^ ReflectedPolynomial) << 1) | 1 : value << 1;
        }

        byte[] prefix = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, value ^ 0xFFFFFFFF);
        return prefix;
    }
}
