using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_key_ptr</c>: an internal node's pointer to a child block and the child's first key.</summary>
internal readonly struct BtrfsKeyPtr
{
    /// <summary>The on-disk size.</summary>
    public const int Size = 33;

    private BtrfsKeyPtr(BtrfsKey key, ulong blockPtr, ulong generation)
    {
        Key = key;
        BlockPtr = blockPtr;
        Generation = generation;
    }

    /// <summary>The child's first key.</summary>
    public BtrfsKey Key { get; }

    /// <summary>The child's logical address.</summary>
    public ulong BlockPtr { get; }

    /// <summary>The transaction that wrote the child.</summary>
    public ulong Generation { get; }

    /// <summary>Parses a key pointer.</summary>
    public static BtrfsKeyPtr Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_key_ptr", "key", diskOffset, $"{span.Length} bytes are too few for a {Size}-byte key pointer");
        }

        return new BtrfsKeyPtr(
            BtrfsKey.Parse(span[Layout.Key..], diskOffset + Layout.Key, source),
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.BlockPtr..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Generation..]));
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int Key = 0;
        public const int BlockPtr = 17;
        public const int Generation = 25;
    }
}
