using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Syslinux;

/// <summary>One line (or, for <c>TEXT HELP</c>, one block of lines) of a syslinux configuration.</summary>
internal abstract record SyslinuxLine
{
    /// <summary>Where the line starts.</summary>
    public SourceSpan Span { get; init; }
}

/// <summary>A <c>#</c> comment line.</summary>
/// <param name="Text">The text after <c>#</c>.</param>
internal sealed record SyslinuxComment(string Text) : SyslinuxLine, IPositionAware<SyslinuxComment>
{
    /// <inheritdoc />
    public SyslinuxComment SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}

/// <summary>
/// A directive: a keyword (upper-cased; <c>MENU</c> directives carry their second word, as in <c>MENU DEFAULT</c>)
/// and its argument with surrounding blanks removed.
/// </summary>
/// <param name="Keyword">The keyword, upper-case (<c>LABEL</c>, <c>MENU LABEL</c>).</param>
/// <param name="Argument">The argument.</param>
/// <param name="Raw">The line as written, without leading blanks and the line end.</param>
internal sealed record SyslinuxDirective(string Keyword, string Argument, string Raw) : SyslinuxLine, IPositionAware<SyslinuxDirective>
{
    /// <inheritdoc />
    public SyslinuxDirective SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}

/// <summary>A <c>TEXT HELP</c> … <c>ENDTEXT</c> block: help text shown by the menu for the current label.</summary>
/// <param name="Text">The lines between the two markers.</param>
internal sealed record SyslinuxHelpText(string Text) : SyslinuxLine, IPositionAware<SyslinuxHelpText>
{
    /// <inheritdoc />
    public SyslinuxHelpText SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}
