namespace PvBoot.Core.Boot;

/// <summary>Reads one kind of boot configuration and picks what the real boot loader would boot.</summary>
public interface IBootConfigParser
{
    /// <summary>The format name (<c>grub2</c>, <c>grub-legacy</c>, <c>syslinux</c>, <c>lilo</c>, <c>bls</c>).</summary>
    string Format { get; }

    /// <summary>The absolute paths, in search order, where this format's configuration is looked for.</summary>
    IReadOnlyList<string> ConfigPaths { get; }

    /// <summary>Parses and evaluates the configuration at <see cref="BootConfigContext.ConfigPath"/>.</summary>
    /// <param name="context">The file system, paths, devices and options.</param>
    /// <returns>The menu and the chosen entry.</returns>
    /// <exception cref="ConfigSyntaxException">The configuration is malformed or exceeds a budget.</exception>
    /// <exception cref="CorruptImageException">The file system holding it is corrupt.</exception>
    BootSelection Parse(BootConfigContext context);
}
