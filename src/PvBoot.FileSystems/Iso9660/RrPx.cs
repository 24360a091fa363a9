using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>A Rock Ridge <c>PX</c> (POSIX attributes) entry: mode, links, uid, gid (and a serial number in RRIP 1.12).</summary>
internal readonly struct RrPx
{
    /// <summary>The size of the RRIP 1.10 entry (1.12 adds 8 bytes of serial number).</summary>
    public const int MinimumSize = 36;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "rr_px";

    private RrPx(uint mode) => Mode = mode;

    /// <summary><c>st_mode</c>.</summary>
    public uint Mode { get; }

    /// <summary>The type the mode's <c>S_IFMT</c> bits give.</summary>
    public FileSystemEntryType Type => PosixMode.TypeOf(Mode);

    /// <summary>Parses the entry.</summary>
    /// <param name="span">The entry's bytes (its <c>LEN</c>).</param>
    /// <param name="diskOffset">The absolute offset of the entry.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The entry.</returns>
    public static RrPx Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < MinimumSize)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset + SuspEntry.Layout.Length,
                $"a PX entry of {span.Length} bytes is shorter than {MinimumSize}");
        }

        return new RrPx(BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Mode..]));
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary><c>st_mode</c> (both-endian; the little-endian half).</summary>
        public const int Mode = 4;

        /// <summary><c>st_nlink</c>.</summary>
        public const int Links = 12;

        /// <summary><c>st_uid</c>.</summary>
        public const int Uid = 20;

        /// <summary><c>st_gid</c>.</summary>
        public const int Gid = 28;
    }
}
