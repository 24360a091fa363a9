namespace PvBoot.Core.Boot;

/// <summary>The result of reading a boot configuration: the whole menu, the entry the boot loader would boot and why.</summary>
public sealed class BootSelection
{
    /// <summary>The parser that read the configuration (<c>grub2</c>, <c>bls</c>, <c>grub-legacy</c>, <c>syslinux</c>, <c>lilo</c>).</summary>
    public required string ConfigFormat { get; init; }

    /// <summary>The configuration file's path inside its file system.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Every menu entry, in the boot loader's order (submenu members follow their submenu).</summary>
    public required IReadOnlyList<BootEntry> Menu { get; init; }

    /// <summary>The entry that would boot, or <see langword="null"/> if none can.</summary>
    public BootEntry? Chosen { get; init; }

    /// <summary>The menu timeout in seconds; <see langword="null"/> when the configuration waits for a key forever.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>An explanation trace: files read, where the default came from, how it matched, why others lost.</summary>
    public IReadOnlyList<string> Explanation { get; init; } = [];

    /// <summary>Things that were uncertain (unknown commands, probes that could not be evaluated).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
