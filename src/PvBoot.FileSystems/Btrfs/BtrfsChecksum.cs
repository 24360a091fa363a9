using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>The checksum of a superblock or tree block: the first 32 bytes hold the digest of the rest.</summary>
internal static class BtrfsChecksum
{
    /// <summary>The bytes of the block that hold the digest.</summary>
    public const int FieldSize = 32;

    /// <summary>Whether the algorithm can be verified (blake2b cannot: the BCL has no BLAKE2b).</summary>
    public static bool CanVerify(ushort csumType) => csumType <= BtrfsConstants.CsumSha256;

    /// <summary>The algorithm's name.</summary>
    public static string Name(ushort csumType) => csumType switch
    {
        BtrfsConstants.CsumCrc32C => "crc32c",
        BtrfsConstants.CsumXxHash64 => "xxhash64",
        BtrfsConstants.CsumSha256 => "sha256",
        BtrfsConstants.CsumBlake2b => "blake2b",
        _ => $"type {csumType}",
    };

    /// <summary>Whether the stored digest matches the block; <see langword="true"/> for algorithms that cannot be verified.</summary>
    public static bool Verify(ReadOnlySpan<byte> block, ushort csumType)
    {
        ReadOnlySpan<byte> stored = block[..FieldSize];
        ReadOnlySpan<byte> data = block[FieldSize..];
        Span<byte> digest = stackalloc byte[FieldSize];
        digest.Clear();
        switch (csumType)
        {
            case BtrfsConstants.CsumCrc32C:
                BinaryPrimitives.WriteUInt32LittleEndian(digest, Crc32C.Compute(data));
                return stored[..4].SequenceEqual(digest[..4]);
            case BtrfsConstants.CsumXxHash64:
                BinaryPrimitives.WriteUInt64LittleEndian(digest, XxHash64.HashToUInt64(data));
                return stored[..8].SequenceEqual(digest[..8]);
            case BtrfsConstants.CsumSha256:
                SHA256.HashData(data, digest);
                return stored.SequenceEqual(digest);
            default:
                return true;
        }
    }
}
