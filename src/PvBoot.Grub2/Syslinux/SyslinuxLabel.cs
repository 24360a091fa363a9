using PvBoot.Grub2.Common;

namespace PvBoot.Grub2.Syslinux;

/// <summary>What a <c>LABEL</c> block sets (syslinux's <c>struct labeldata</c>); within a label the last occurrence wins.</summary>
internal sealed class SyslinuxLabel
{
    /// <summary>The label name (first word, case-sensitive).</summary>
    public required string Name { get; init; }

    /// <summary>The file holding the <c>LABEL</c> line.</summary>
    public required string File { get; init; }

    /// <summary>The directory relative file names are resolved against.</summary>
    public required string Directory { get; init; }

    /// <summary>Where the <c>LABEL</c> line is.</summary>
    public required SourceSpan Span { get; init; }

    /// <summary>The enclosing <c>MENU BEGIN</c> menus, outermost first.</summary>
    public required IReadOnlyList<string> SubmenuPath { get; init; }

    /// <summary>The 0-based position within its own (sub)menu.</summary>
    public int Index { get; set; }

    /// <summary>pygrub's number for it, or -1.</summary>
    public int PygrubIndex { get; set; } = -1;

    /// <summary>The kernel-like keyword that set <see cref="Kernel"/> (<c>KERNEL</c>, <c>LINUX</c>, <c>COM32</c>, <c>CONFIG</c>…).</summary>
    public string KernelKeyword { get; set; } = "KERNEL";

    /// <summary>The kernel file; defaults to the label name.</summary>
    public required string Kernel { get; set; }

    /// <summary>The label's own <c>APPEND</c>, or <see langword="null"/> to use the global one.</summary>
    public string? Append { get; set; }

    /// <summary>The <c>INITRD</c> list, or <see langword="null"/>.</summary>
    public string? Initrd { get; set; }

    /// <summary>The <c>MENU LABEL</c> text, or <see langword="null"/>.</summary>
    public string? MenuLabel { get; set; }

    /// <summary>Whether <c>MENU DEFAULT</c> marks it.</summary>
    public bool MenuDefault { get; set; }

    /// <summary>Whether <c>MENU HIDE</c> hides it from the menu.</summary>
    public bool MenuHide { get; set; }

    /// <summary>The <c>IPAPPEND</c>/<c>SYSAPPEND</c> flags.</summary>
    public string? IpAppend { get; set; }

    /// <summary>The label's lines as written.</summary>
    public List<string> Lines { get; } = [];
}
