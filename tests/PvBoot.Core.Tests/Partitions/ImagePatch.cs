using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;
using PvBoot.Testing;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>Patches one field of a real fixture image in memory and recomputes the checksums that cover it.</summary>
internal static class ImagePatch
{
    public const int GptHeaderOffset = 512;

    /// <summary>The bytes of a fixture image.</summary>
    public static byte[] Load(string fixture) => File.ReadAllBytes(Fixtures.Image(fixture));

    public static uint U32(byte[] image, long offset) => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)offset));

    public static ulong U64(byte[] image, long offset) => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan((int)offset));

    public static void PutU32(byte[] image, long offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)offset), value);

    public static void PutU64(byte[] image, long offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan((int)offset), value);

    /// <summary>Recomputes a GPT header's CRC32 (over header_size bytes with the CRC field zeroed).</summary>
    public static void FixGptHeaderCrc(byte[] image, long header = GptHeaderOffset)
    {
        int size = (int)U32(image, header + 12);
        PutU32(image, header + 16, 0);
        PutU32(image, header + 16, Crc32.HashToUInt32(image.AsSpan((int)header, size)));
    }

    /// <summary>Recomputes a GPT header's entry array CRC32, then its header CRC32.</summary>
    public static void FixGptArrayCrc(byte[] image, long header = GptHeaderOffset)
    {
        long array = (long)U64(image, header + 72) * 512;
        long bytes = (long)U32(image, header + 80) * U32(image, header + 84);
        PutU32(image, header + 88, Crc32.HashToUInt32(image.AsSpan((int)array, (int)bytes)));
        FixGptHeaderCrc(image, header);
    }

    /// <summary>The absolute offset of the primary GPT's entry <paramref name="index"/>.</summary>
    public static long GptEntry(byte[] image, int index) => ((long)U64(image, GptHeaderOffset + 72) * 512) + ((long)index * U32(image, GptHeaderOffset + 84));

    /// <summary>
    /// LVM2's checksum written out bit by bit from its definition (reflected polynomial 0xEDB88320, initial value
    /// 0xF597A6CF, no final inversion), independently of the library's table-driven version.
    /// </summary>
    public static uint LvmCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xF597A6CF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return crc;
    }

    /// <summary>The absolute offsets of the first metadata area header of the PV starting at <paramref name="pv"/>.</summary>
    public static long LvmMetadataArea(byte[] image, long pv)
    {
        for (int s = 0; s < 4; s++)
        {
            long label = pv + (s * 512);
            if (image.AsSpan((int)label, 8).SequenceEqual("LABELONE"u8))
            {
                long header = label + U32(image, label + 20);
                long at = header + 40;
                while (U64(image, at) != 0 || U64(image, at + 8) != 0)
                {
                    at += 16; // data areas
                }

                at += 16;
                return pv + (long)U64(image, at);
            }
        }

        throw new InvalidOperationException("no LVM label");
    }

    /// <summary>Recomputes an mda_header's checksum (bytes 4..512).</summary>
    public static void FixMdaChecksum(byte[] image, long mda) => PutU32(image, mda, LvmCrc(image.AsSpan((int)mda + 4, 508)));

    /// <summary>Replaces the text metadata of the area at <paramref name="mda"/> (no wrap) and fixes both checksums.</summary>
    public static void ReplaceLvmText(byte[] image, long mda, ReadOnlySpan<byte> text)
    {
        long textAt = mda + (long)U64(image, mda + 40);
        text.CopyTo(image.AsSpan((int)textAt));
        PutU64(image, mda + 48, (ulong)text.Length);
        PutU32(image, mda + 56, LvmCrc(text));
        FixMdaChecksum(image, mda);
    }

    /// <summary>Runs discovery on patched bytes and asserts the error names the structure, field and offset, within a time bound.</summary>
    public static CorruptImageException AssertRejected(byte[] image, string structure, string field, long offset, ImageProblem kind = ImageProblem.Corrupt, PartitionDiscoveryOptions? options = null)
    {
        var disk = new MemoryBlockSource(image, "hostile.img");
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<CorruptImageException>(() => PartitionDiscovery.Discover(disk, options));
        clock.Stop();

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "bounded time");
        Assert.That(error!.SourceName, Is.EqualTo("hostile.img"));
        Assert.That((error.Structure, error.Field, error.Offset, error.Kind), Is.EqualTo((structure, field, offset, kind)), error.Message);
        Assert.That(error.Message, Does.Contain(structure + "." + field).And.Contain($"offset {offset}"));
        return error;
    }
}
