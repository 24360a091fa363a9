using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary><c>btrfs_disk_key</c>: the (objectid, type, offset) triple that orders every tree.</summary>
internal readonly record struct BtrfsKey(ulong ObjectId, byte Type, ulong Offset) : IComparable<BtrfsKey>
{
    /// <summary>The on-disk size.</summary>
    public const int Size = 17;

    /// <summary>The largest key with this object id and type.</summary>
    public static BtrfsKey Last(ulong objectId, byte type) => new(objectId, type, ulong.MaxValue);

    /// <summary>Parses a key.</summary>
    public static BtrfsKey Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, "btrfs_disk_key", "objectid", diskOffset, $"{span.Length} bytes are too few for a {Size}-byte key");
        }

        return new BtrfsKey(
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.ObjectId..]),
            span[Layout.Type],
            BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.Offset..]));
    }

    /// <inheritdoc />
    public int CompareTo(BtrfsKey other)
    {
        int c = ObjectId.CompareTo(other.ObjectId);
        if (c != 0)
        {
            return c;
        }

        c = Type.CompareTo(other.Type);
        return c != 0 ? c : Offset.CompareTo(other.Offset);
    }

    /// <summary>Orders keys.</summary>
    public static bool operator <(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) < 0;

    /// <summary>Orders keys.</summary>
    public static bool operator >(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) > 0;

    /// <summary>Orders keys.</summary>
    public static bool operator <=(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) <= 0;

    /// <summary>Orders keys.</summary>
    public static bool operator >=(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"({ObjectId} {Type} {Offset})";

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        public const int ObjectId = 0;
        public const int Type = 8;
        public const int Offset = 9;
    }
}
