using System.Buffers.Binary;
using System.IO.Hashing;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>The checksum of a superblock or tree block: the first 32 bytes hold the digest of the rest.</summary>
/// <remarks>
/// SHA-256 and BLAKE2b-256 come from BouncyCastle's managed digests: the BCL's SHA-256 loads OpenSSL, which a reader
/// running in an empty chroot cannot do, and the BCL has no BLAKE2b.
/// </remarks>
internal static class BtrfsChecksum
{
    /// <summary>The bytes of the block that hold the digest.</summary>
    public const int FieldSize = 32;

    /// <summary>Whether the algorithm is one btrfs defines (all four are verified).</summary>
    public static bool CanVerify(ushort csumType) => csumType <= BtrfsConstants.CsumBlake2b;

    /// <summary>The algorithm's name.</summary>
    public static string Name(ushort csumType) => csumType switch
    {
        BtrfsConstants.CsumCrc32C => "crc32c",
        BtrfsConstants.CsumXxHash64 => "xxhash64",
        BtrfsConstants.CsumSha256 => "sha256",
        BtrfsConstants.CsumBlake2b => "blake2b",
        _ => $"type {csumType}",
    };

    /// <summary>The bytes one data-sector checksum occupies in the checksum tree.</summary>
    public static int Size(ushort csumType) => csumType switch
    {
        BtrfsConstants.CsumCrc32C => 4,
        BtrfsConstants.CsumXxHash64 => 8,
        _ => 32,
    };

    /// <summary>Whether <paramref name="expected"/> is the digest of <paramref name="data"/> (a data sector); true when it cannot be verified.</summary>
    public static bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> expected, ushort csumType)
    {
        Span<byte> digest = stackalloc byte[FieldSize];
        switch (csumType)
        {
            case BtrfsConstants.CsumCrc32C:
                BinaryPrimitives.WriteUInt32LittleEndian(digest, Crc32C.Compute(data));
                return expected.SequenceEqual(digest[..4]);
            case BtrfsConstants.CsumXxHash64:
                BinaryPrimitives.WriteUInt64LittleEndian(digest, XxHash64.HashToUInt64(data));
                return expected.SequenceEqual(digest[..8]);
            case BtrfsConstants.CsumSha256:
            case BtrfsConstants.CsumBlake2b:
                Digest(data, digest, csumType);
                return expected.SequenceEqual(digest);
            default:
                return true;
        }
    }

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
            case BtrfsConstants.CsumBlake2b:
                Digest(data, digest, csumType);
                return stored.SequenceEqual(digest);
            default:
                return true;
        }
    }

    /// <summary>The 32-byte SHA-256 or BLAKE2b-256 digest of <paramref name="data"/>.</summary>
    public static void Digest(ReadOnlySpan<byte> data, Span<byte> digest, ushort csumType)
    {
        IDigest algorithm = csumType == BtrfsConstants.CsumSha256 ? new Sha256Digest() : new Blake2bDigest(FieldSize * 8);
        algorithm.BlockUpdate(data);
        _ = algorithm.DoFinal(digest);
    }
}
