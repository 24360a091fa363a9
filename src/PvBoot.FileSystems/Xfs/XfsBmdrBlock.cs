using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_bmdr_block</c>: the root of a data fork's bmbt, kept in the inode: level and record count, then as many
/// keys (file offsets) as the fork could hold, then as many child pointers (file system blocks).
/// </summary>
internal readonly struct XfsBmdrBlock
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 4;

    /// <summary>Bytes per key and per pointer.</summary>
    public const int KeySize = 8;

    private XfsBmdrBlock(ushort level, ushort numRecs, int maxRecs)
    {
        Level = level;
        NumRecs = numRecs;
        MaxRecs = maxRecs;
    }

    /// <summary>bb_level: the root's height above the leaves (at least 1).</summary>
    public ushort Level { get; }

    /// <summary>bb_numrecs: children in use.</summary>
    public ushort NumRecs { get; }

    /// <summary>Keys/pointers the fork has room for.</summary>
    public int MaxRecs { get; }

    /// <summary>Offset of key <paramref name="i"/> within the fork.</summary>
    public int KeyOffset(int i) => Size + (i * KeySize);

    /// <summary>Offset of pointer <paramref name="i"/> within the fork.</summary>
    public int PointerOffset(int i) => Size + (MaxRecs * KeySize) + (i * KeySize);

    /// <summary>Parses and validates the root.</summary>
    /// <param name="fork">The data fork's bytes.</param>
    /// <param name="diskOffset">The fork's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="maxLevel">The deepest legal tree.</param>
    /// <returns>The root.</returns>
    /// <exception cref="CorruptImageException">The level or record count does not fit.</exception>
    public static XfsBmdrBlock Parse(ReadOnlySpan<byte> fork, long diskOffset, string source, int maxLevel)
    {
        if (fork.Length < Size + (2 * KeySize))
        {
            throw new CorruptImageException(source, "xfs_bmdr_block", "bb_level", diskOffset, $"a {fork.Length}-byte fork cannot hold a bmbt root");
        }

        ushort level = BinaryPrimitives.ReadUInt16BigEndian(fork[Layout.Level..]);
        ushort numRecs = BinaryPrimitives.ReadUInt16BigEndian(fork[Layout.NumRecs..]);
        int maxRecs = (fork.Length - Size) / (2 * KeySize);
        if (level == 0 || level > maxLevel)
        {
            throw new CorruptImageException(source, "xfs_bmdr_block", "bb_level", diskOffset + Layout.Level, $"root level {level} is outside 1..{maxLevel}");
        }

        if (numRecs == 0 || numRecs > maxRecs)
        {
            throw new CorruptImageException(source, "xfs_bmdr_block", "bb_numrecs", diskOffset + Layout.NumRecs, $"{numRecs} root records do not fit 1..{maxRecs}");
        }

        return new XfsBmdrBlock(level, numRecs, maxRecs);
    }

    /// <summary>Field offsets within <c>xfs_bmdr_block</c>.</summary>
    public static class Layout
    {
        /// <summary>bb_level (u16).</summary>
        public const int Level = 0;

        /// <summary>bb_numrecs (u16).</summary>
        public const int NumRecs = 2;
    }
}
