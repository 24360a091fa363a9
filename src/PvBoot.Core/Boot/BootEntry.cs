namespace PvBoot.Core.Boot;

/// <summary>One entry of a boot menu, with what booting it loads.</summary>
public sealed class BootEntry
{
    /// <summary>The title shown in the menu.</summary>
    public required string Title { get; init; }

    /// <summary>The entry's identifier (GRUB <c>--id</c>, BLS file name, syslinux label, LILO label), or <see langword="null"/>.</summary>
    public string? Id { get; init; }

    /// <summary>Titles of the enclosing submenus, outermost first; empty at the top level.</summary>
    public IReadOnlyList<string> SubmenuPath { get; init; } = [];

    /// <summary>The 0-based position within its own menu, as the boot loader numbers it.</summary>
    public int Index { get; init; }

    /// <summary>The 0-based position in pygrub's flat numbering, or -1 where pygrub would not list it.</summary>
    public int FlatIndex { get; init; } = -1;

    /// <summary>The kernel, or <see langword="null"/> if the entry loads none.</summary>
    public BootFile? Kernel { get; init; }

    /// <summary>The initrds, loaded concatenated in this order.</summary>
    public IReadOnlyList<BootFile> Initrds { get; init; } = [];

    /// <summary>
    /// The alignment, in bytes, of each initrd's start when several are concatenated: 4 for GRUB (zero padding after a
    /// file whose length is not a multiple), 4096 for syslinux.
    /// </summary>
    public int InitrdAlignment { get; init; } = 4;

    /// <summary>The kernel command line handed to the guest.</summary>
    public string Arguments { get; init; } = string.Empty;

    /// <summary>Why the entry cannot boot a PV guest (no kernel, a hypervisor entry, a chainloader), or <see langword="null"/>.</summary>
    public string? NotBootableReason { get; init; }

    /// <summary>Whether the entry loads a kernel that a PV guest can boot.</summary>
    public bool IsBootable => NotBootableReason is null && Kernel is not null;

    /// <summary>Where the entry is defined.</summary>
    public SourceLocation? Location { get; init; }

    /// <summary>The entry's body lines as written (what pygrub's <c>e</c> key edits).</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Title;
}
