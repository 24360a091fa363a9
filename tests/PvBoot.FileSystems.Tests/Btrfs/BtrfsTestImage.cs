using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.FileSystems.Common;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>A real fixture image with an in-memory overlay of patched bytes (the file on disk is never changed).</summary>
internal sealed class PatchedBlockSource : IBlockSource
{
    private readonly IBlockSource inner;
    private readonly SortedDictionary<long, byte> patches = [];

    public PatchedBlockSource(IBlockSource inner)
    {
        this.inner = inner;
    }

    public string Name => inner.Name;

    public long Length => inner.Length;

    public void ReadExactly(long offset, Span<byte> destination)
    {
        inner.ReadExactly(offset, destination);
        long end = offset + destination.Length;
        foreach ((long at, byte value) in patches)
        {
            if (at >= end)
            {
                break;
            }

            if (at >= offset)
            {
                destination[(int)(at - offset)] = value;
            }
        }
    }

    public void Write(long offset, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            patches[offset + i] = bytes[i];
        }
    }

    public byte[] Read(long offset, int length)
    {
        byte[] bytes = new byte[length];
        ReadExactly(offset, bytes);
        return bytes;
    }
}

/// <summary>Opens the btrfs fixtures and patches their structures with recomputed checksums.</summary>
internal static class BtrfsTestImage
{
    /// <summary>Every committed btrfs image that holds files.</summary>
    public static readonly string[] Images = ["btrfs-rootdir", "btrfs-xxhash", "btrfs-sha256", "btrfs-blake2", "btrfs-dup-data", "btrfs-subvol", "btrfs-compress", "btrfs-suse"];

    public static FileBlockSource Source(string image) => new(Fixtures.Image(image));

    public static BtrfsFileSystem Open(IBlockSource source, BtrfsRoot view = BtrfsRoot.TopLevel)
        => BtrfsFileSystem.Open(source, FileSystemBudgets.Default, view);

    public static BtrfsInode Node(FileSystemEntry entry) => ((ReaderEntry<BtrfsInode>)entry).Node;

    public static byte[] ReadAll(IFileSystemReader reader, FileSystemEntry entry)
    {
        using var stream = new MemoryStream();
        reader.CopyTo(entry, stream);
        return stream.ToArray();
    }

    public static FileSystemEntry LookupOrFail(IFileSystemReader reader, string path, bool follow = true)
        => reader.Lookup(PathBytes.FromConfigText(path), follow) ?? throw new AssertionException($"{path} not found");

    /// <summary>The leaf item with this key and the absolute offset of its data in the first copy.</summary>
    public static (BtrfsNode Node, int Index) Item(BtrfsFileSystem fs, BtrfsTree tree, BtrfsKey key)
        => fs.FindItem(tree, key) ?? throw new AssertionException($"no item {key}");

    /// <summary>The btrfs name hash (crc32c seeded with ~1, no final inversion).</summary>
    public static ulong NameHash(string name) => Crc32C.Append(0xFFFFFFFEu, System.Text.Encoding.UTF8.GetBytes(name));

    /// <summary>
    /// Changes <paramref name="bytes"/> at <paramref name="relative"/> in every copy of the tree block at
    /// <paramref name="logical"/> and recomputes each copy's checksum, so that only the validator can object.
    /// </summary>
    public static void PatchNode(PatchedBlockSource source, BtrfsFileSystem fs, ulong logical, int relative, ReadOnlySpan<byte> bytes, bool recompute = true)
    {
        int size = (int)fs.SuperBlock.NodeSize;
        foreach (long physical in fs.PhysicalCopies(logical))
        {
            byte[] block = source.Read(physical, size);
            bytes.CopyTo(block.AsSpan(relative));
            if (recompute)
            {
                UpdateChecksum(block, fs.SuperBlock.CsumType);
            }

            source.Write(physical, block);
        }
    }

    public static void PatchNodeUInt64(PatchedBlockSource source, BtrfsFileSystem fs, ulong logical, int relative, ulong value)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        PatchNode(source, fs, logical, relative, b);
    }

    /// <summary>Patches the primary superblock and recomputes its checksum.</summary>
    public static void PatchSuperBlock(PatchedBlockSource source, int relative, ReadOnlySpan<byte> bytes, bool recompute = true)
    {
        byte[] block = source.Read(BtrfsConstants.PrimarySuperBlockOffset, BtrfsSuperBlock.Size);
        bytes.CopyTo(block.AsSpan(relative));
        if (recompute)
        {
            UpdateChecksum(block, BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(BtrfsSuperBlock.Layout.CsumType)));
        }

        source.Write(BtrfsConstants.PrimarySuperBlockOffset, block);
    }

    public static void UpdateChecksum(Span<byte> block, ushort csumType)
    {
        Span<byte> stored = block[..BtrfsChecksum.FieldSize];
        ReadOnlySpan<byte> data = block[BtrfsChecksum.FieldSize..];
        switch (csumType)
        {
            case BtrfsConstants.CsumCrc32C:
                BinaryPrimitives.WriteUInt32LittleEndian(stored, Crc32C.Compute(data));
                break;
            case BtrfsConstants.CsumXxHash64:
                BinaryPrimitives.WriteUInt64LittleEndian(stored, XxHash64.HashToUInt64(data));
                break;
            case BtrfsConstants.CsumSha256:
                SHA256.HashData(data, stored);
                break;
            default:
                throw new AssertionException($"cannot compute checksum type {csumType}");
        }
    }
}
