using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Lilo;

/// <summary>A value as written: its text after quote and escape removal, and whether it was quoted.</summary>
/// <param name="Text">The value.</param>
/// <param name="Quoted">Whether it was in double quotes.</param>
internal sealed record LiloValue(string Text, bool Quoted) : IPositionAware<LiloValue>
{
    /// <summary>Where the value lies.</summary>
    public SourceSpan Span { get; init; }

    /// <inheritdoc />
    public LiloValue SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}

/// <summary>One item of <c>lilo.conf</c>: a bare flag (<c>read-only</c>) or <c>name=value</c>.</summary>
/// <param name="Name">The option name (LILO compares names exactly).</param>
/// <param name="Value">The value, or <see langword="null"/> for a flag.</param>
internal sealed record LiloItem(string Name, LiloValue? Value) : IPositionAware<LiloItem>
{
    /// <summary>Where the item lies.</summary>
    public SourceSpan Span { get; init; }

    /// <inheritdoc />
    public LiloItem SetPos(Position startPos, int length) => this with { Span = SourceSpan.From(startPos, length) };
}
