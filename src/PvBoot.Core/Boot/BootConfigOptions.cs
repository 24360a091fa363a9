namespace PvBoot.Core.Boot;

/// <summary>Options that change how boot configurations are evaluated.</summary>
public sealed record BootConfigOptions
{
    /// <summary>The defaults.</summary>
    public static BootConfigOptions Default { get; } = new();

    /// <summary>Largest configuration file read, in bytes; a larger one is an error ("too large"), never truncated. Default 1 MiB.</summary>
    public int MaxConfigBytes { get; init; } = 1024 * 1024;

    /// <summary>The value of GRUB's <c>$grub_platform</c>: <c>xen</c> (pvgrub2, the default), <c>pc</c> or <c>efi</c>.</summary>
    public string GrubPlatform { get; init; } = "xen";

    /// <summary>Forces the GRUB flavour (<c>upstream</c>, <c>el8</c>, <c>fedora</c>); <see langword="null"/> detects it.</summary>
    public string? GrubFlavour { get; init; }

    /// <summary>Whether a one-shot <c>next_entry</c> in grubenv is honoured (it cannot be cleared on a read-only image). Default true.</summary>
    public bool HonourNextEntry { get; init; } = true;

    /// <summary>
    /// Whether a Xen hypervisor entry (GRUB 2 <c>multiboot</c>/<c>multiboot2</c> with <c>module</c>/<c>module2</c>, GRUB legacy
    /// <c>kernel /xen.gz</c> with <c>module</c> lines, syslinux <c>mboot.c32</c>) boots its dom0 kernel: the first module as
    /// the kernel with that module's arguments and the second module as the initrd. Default false: such an entry cannot
    /// boot a PV guest and the fallback rules apply.
    /// </summary>
    public bool XenModuleAsKernel { get; init; }

    /// <summary>
    /// Whether every menu entry is run with the recording loader so that <see cref="BootSelection.Menu"/> lists what each
    /// loads (the default). When false, a GRUB 2 or BootLoaderSpec configuration runs only what GRUB itself runs at boot:
    /// the chosen entry, the <c>fallback</c> entries it tries and the submenus on the default's path. The menu then holds
    /// the chosen entry alone (or nothing when none can boot), and warnings about the bodies of other entries are not
    /// found. For callers that need only <see cref="BootSelection.Chosen"/>; the other formats list every entry either way.
    /// </summary>
    public bool ListEveryEntry { get; init; } = true;
}
