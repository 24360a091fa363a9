using PvBoot.Core.Boot;
using PvBoot.Grub2.Ast;

namespace PvBoot.Grub2.Evaluation;

/// <summary>A menu entry or submenu as the <c>menuentry</c>/<c>submenu</c> command registered it.</summary>
internal sealed class Grub2MenuItem
{
    /// <summary>The title (first non-option argument, expanded when the command ran).</summary>
    public required string Title { get; init; }

    /// <summary>The <c>--id</c>, or the title when none was given.</summary>
    public required string Id { get; init; }

    /// <summary>Whether it is a submenu.</summary>
    public bool IsSubmenu { get; init; }

    /// <summary>The body, kept as parsed source and run only when the entry is booted or the submenu opened.</summary>
    public required Block Body { get; init; }

    /// <summary>The arguments after the title: <c>$2…</c> of the body.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary><c>--class</c> values.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary><c>--users</c>, or <see langword="null"/>.</summary>
    public string? Users { get; init; }

    /// <summary>Whether <c>--unrestricted</c> was given.</summary>
    public bool Unrestricted { get; init; }

    /// <summary>Where the command is.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>The context the entry belongs to (its menu's), in which the body runs.</summary>
    public required Grub2Context Owner { get; init; }
}
