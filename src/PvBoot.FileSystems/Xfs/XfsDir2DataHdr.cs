using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Xfs;

/// <summary>
/// <c>xfs_dir2_data_hdr</c>: the v4 header of a directory data block ("XD2D") or single-block directory ("XD2B"):
/// the magic and three best-free slots. Entries follow.
/// </summary>
internal readonly struct XfsDir2DataHdr
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 16;

    /// <summary>"XD2B": a single-block directory.</summary>
    public const uint BlockMagic = 0x58443242;

    /// <summary>"XD2D": a data block of a leaf or node directory.</summary>
    public const uint DataMagic = 0x58443244;

    private XfsDir2DataHdr(bool isBlock) => IsBlock = isBlock;

    /// <summary>Whether this is a single-block directory (with a leaf and tail at its end).</summary>
    public bool IsBlock { get; }

    /// <summary>Parses the header.</summary>
    /// <param name="block">The directory block.</param>
    /// <param name="diskOffset">The block's absolute offset.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The header.</returns>
    /// <exception cref="CorruptImageException">The magic is neither XD2B nor XD2D.</exception>
    public static XfsDir2DataHdr Parse(ReadOnlySpan<byte> block, long diskOffset, string source)
    {
        if (block.Length < Size)
        {
            throw new CorruptImageException(source, "xfs_dir2_data_hdr", "magic", diskOffset, "the directory block is cut short");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(block[Layout.Magic..]);
        return magic switch
        {
            BlockMagic => new XfsDir2DataHdr(true),
            DataMagic => new XfsDir2DataHdr(false),
            _ => throw new CorruptImageException(source, "xfs_dir2_data_hdr", "magic", diskOffset + Layout.Magic, $"magic 0x{magic:x8} is not a directory data block"),
        };
    }

    /// <summary>Field offsets within <c>xfs_dir2_data_hdr</c>.</summary>
    public static class Layout
    {
        /// <summary>magic (u32).</summary>
        public const int Magic = 0;

        /// <summary>bestfree[3] (offset, length: u16 each).</summary>
        public const int BestFree = 4;
    }
}
