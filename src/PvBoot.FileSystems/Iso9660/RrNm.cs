using PvBoot.Core;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>A Rock Ridge <c>NM</c> (alternate name) entry: flags and part of a POSIX name.</summary>
internal readonly struct RrNm
{
    /// <summary>The smallest valid entry: header, flags and at least one name byte or a flag meaning "." or "..".</summary>
    public const int MinimumSize = 5;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "rr_nm";

    /// <summary>Flag: the name continues in the next <c>NM</c> entry.</summary>
    public const byte FlagContinue = 0x01;

    /// <summary>Flag: the name is ".".</summary>
    public const byte FlagCurrent = 0x02;

    /// <summary>Flag: the name is "..".</summary>
    public const byte FlagParent = 0x04;

    private RrNm(byte flags, byte[] content)
    {
        Flags = flags;
        Content = content;
    }

    /// <summary>The flags.</summary>
    public byte Flags { get; }

    /// <summary>The name bytes of this entry.</summary>
    public byte[] Content { get; }

    /// <summary>Parses the entry.</summary>
    /// <param name="span">The entry's bytes (its <c>LEN</c>).</param>
    /// <param name="diskOffset">The absolute offset of the entry.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The entry.</returns>
    public static RrNm Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < MinimumSize)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset + SuspEntry.Layout.Length,
                $"an NM entry of {span.Length} bytes has no flags byte");
        }

        return new RrNm(span[Layout.Flags], span[Layout.Content..].ToArray());
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary>The flags.</summary>
        public const int Flags = 4;

        /// <summary>The name bytes.</summary>
        public const int Content = 5;
    }
}
