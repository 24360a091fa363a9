using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Legacy;

/// <summary>One logical line of <c>menu.lst</c> (physical lines joined at a backslash-newline).</summary>
internal abstract record GrubLegacyLine
{
    /// <summary>Where the line starts (its first non-blank character).</summary>
    public SourceSpan Span { get; init; }
}

/// <summary>A line whose first non-blank character is <c>#</c>.</summary>
/// <param name="Text">The text after the <c>#</c>.</param>
internal sealed record GrubLegacyComment(string Text) : GrubLegacyLine, IPositionAware<GrubLegacyComment>
{
    /// <inheritdoc />
    public GrubLegacyComment SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}

/// <summary>
/// A command line: the name ends at a blank or <c>=</c>; blanks and <c>=</c> after it are skipped; the argument is the
/// rest of the logical line with TABs turned into spaces and CRs removed, as GRUB legacy's line reader delivers it.
/// </summary>
/// <param name="Name">The command name as written (GRUB legacy command names are case-sensitive).</param>
/// <param name="Argument">The argument text.</param>
/// <param name="Raw">The whole line as read (name, separator and argument).</param>
internal sealed record GrubLegacyCommand(string Name, string Argument, string Raw) : GrubLegacyLine, IPositionAware<GrubLegacyCommand>
{
    /// <inheritdoc />
    public GrubLegacyCommand SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}

/// <summary>A device name as GRUB legacy writes it: <c>(hd0,0)</c>, <c>(hd0)</c>, <c>(0x80)</c>, <c>(hd0,0,a)</c>, <c>(fd0)</c>.</summary>
/// <param name="Kind">The drive kind (<c>hd</c>, <c>fd</c>, <c>cd</c>, <c>nd</c>).</param>
/// <param name="Drive">The 0-based drive number.</param>
/// <param name="Partition">The 0-based partition number, or <see langword="null"/> for the whole drive.</param>
/// <param name="BsdPartition">The BSD sub-partition letter, or <see langword="null"/>.</param>
internal sealed record GrubLegacyDevice(string Kind, int Drive, int? Partition, char? BsdPartition) : IPositionAware<GrubLegacyDevice>
{
    /// <summary>Where the device name lies within the argument it came from.</summary>
    public SourceSpan Span { get; init; }

    /// <summary>
    /// The GRUB 2 style name the device map understands: legacy partitions are 0-based and on MBR tables, so
    /// <c>(hd0,0)</c> becomes <c>hd0,msdos1</c> and <c>(hd0,4)</c> (the first logical partition) <c>hd0,msdos5</c>.
    /// </summary>
    public string ToGrub2Name()
    {
        string name = $"{Kind}{Drive}";
        if (Partition is int partition)
        {
            name += $",msdos{partition + 1}";
        }

        if (BsdPartition is char letter)
        {
            name += $",bsd{letter - 'a' + 1}";
        }

        return name;
    }

    /// <inheritdoc />
    public GrubLegacyDevice SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}

/// <summary>A file name with an optional device: <c>(hd0,0)/vmlinuz</c>, <c>/boot/vmlinuz</c>, or a block list <c>+1</c>.</summary>
/// <param name="Device">The device, or <see langword="null"/> for the current root device.</param>
/// <param name="Path">The path (or block list) after the device.</param>
internal sealed record GrubLegacyFileName(GrubLegacyDevice? Device, string Path) : IPositionAware<GrubLegacyFileName>
{
    /// <summary>Where the file name lies within its argument.</summary>
    public SourceSpan Span { get; init; }

    /// <inheritdoc />
    public GrubLegacyFileName SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}
