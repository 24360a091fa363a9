using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2;

/// <summary>One place a boot configuration is looked for, and the parser that reads it.</summary>
/// <param name="Parser">The parser.</param>
/// <param name="Path">An absolute path; a <c>*</c> component matches any directory name (EFI vendor directories).</param>
internal sealed record ConfigLocation(IBootConfigParser Parser, string Path);

/// <summary>
/// Where boot configurations are looked for inside one file system, in order: pygrub's list first (GRUB 2, extlinux,
/// GRUB legacy) for compatibility, then PvBoot's additions (syslinux.cfg locations, LILO, EFI stubs, BootLoaderSpec
/// entries). Composition of the parsers happens here and nowhere else.
/// </summary>
internal static class ConfigSearch
{
    /// <summary>The number of extlinux locations pygrub itself searches (the first entries of the syslinux list).</summary>
    private const int PygrubExtlinuxPaths = 5;

    private static readonly Grub2ConfigParser Grub2 = new();
    private static readonly Syslinux.SyslinuxConfigParser Syslinux = new();
    private static readonly Legacy.GrubLegacyConfigParser GrubLegacy = new();
    private static readonly Lilo.LiloConfigParser Lilo = new();
    private static readonly BlsConfigParser Bls = new();

    /// <summary>GRUB 2 configurations on an EFI system partition, usually a <c>configfile</c> of the real one.</summary>
    private static readonly string[] EfiStubs = ["/boot/efi/EFI/*/grub.cfg", "/EFI/*/grub.cfg"];

    /// <summary>The search order.</summary>
    public static IReadOnlyList<ConfigLocation> Locations { get; } =
    [
        .. Grub2.ConfigPaths.Select(p => new ConfigLocation(Grub2, p)),
        .. Syslinux.ConfigPaths.Take(PygrubExtlinuxPaths).Select(p => new ConfigLocation(Syslinux, p)),
        .. GrubLegacy.ConfigPaths.Select(p => new ConfigLocation(GrubLegacy, p)),
        .. Syslinux.ConfigPaths.Skip(PygrubExtlinuxPaths).Select(p => new ConfigLocation(Syslinux, p)),
        .. Lilo.ConfigPaths.Select(p => new ConfigLocation(Lilo, p)),
        .. EfiStubs.Select(p => new ConfigLocation(Grub2, p)),
        .. Bls.ConfigPaths.Select(p => new ConfigLocation(Bls, p)),
    ];

    /// <summary>The parser for a configuration file known only by its name (<c>--isconfig</c>).</summary>
    public static IBootConfigParser ParserForFileName(string path)
    {
        string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        return name switch
        {
            "menu.lst" or "grub.conf" => GrubLegacy,
            "lilo.conf" => Lilo,
            _ when name.EndsWith("linux.cfg", StringComparison.Ordinal) || name.EndsWith("linux.conf", StringComparison.Ordinal) => Syslinux,
            _ => Grub2,
        };
    }

    /// <summary>Finds the first configuration in <paramref name="fs"/> and evaluates it.</summary>
    /// <returns>The selection, or <see langword="null"/> when the file system holds no configuration.</returns>
    public static BootSelection? Evaluate(IFileSystemReader fs, string device, IBootDeviceMap devices, GuestBootOptions options, List<string> explanation)
    {
        foreach (ConfigLocation location in Locations)
        {
            foreach (string path in Expand(fs, location.Path))
            {
                if (fs.Lookup(PathBytes.FromConfigText(path)) is null)
                {
                    continue;
                }

                explanation.Add($"({device}): using {location.Parser.Format} configuration {path}");
                BootSelection selection = Parse(location.Parser, fs, device, path, devices, options);
                if (ReferenceEquals(location.Parser, Grub2))
                {
                    selection = CompareWithMenuLst(selection, fs, device, devices, options, explanation);
                }

                return selection;
            }
        }

        if (InDefaultSubvolume(fs, device, devices, options, explanation) is { } inSubvolume)
        {
            return inSubvolume;
        }

        explanation.Add($"({device}): no boot configuration found");
        return null;
    }

    /// <summary>
    /// openSUSE/SLES keep /boot inside the btrfs default subvolume (a snapper snapshot such as
    /// <c>@/.snapshots/1/snapshot</c>) and their GRUB reads it there: grub2-install puts <c>btrfs_relative_path=y</c>
    /// into the core image. When the top level holds no configuration, GRUB 2's locations are tried in the default
    /// subvolume; the evaluator then starts with <c>btrfs_relative_path=y</c> and names boot files from the top level.
    /// </summary>
    private static BootSelection? InDefaultSubvolume(IFileSystemReader fs, string device, IBootDeviceMap devices, GuestBootOptions options, List<string> explanation)
    {
        if (fs is not ISubvolumeFileSystem btrfs || btrfs.DefaultSubvolumeId == btrfs.SubvolumeId || btrfs.OpenSubvolume(btrfs.DefaultSubvolumeId) is not { } view)
        {
            return null;
        }

        foreach (string path in Grub2.ConfigPaths)
        {
            if (view.Lookup(PathBytes.FromConfigText(path)) is null)
            {
                continue;
            }

            byte[]? where = btrfs.SubvolumePath(btrfs.DefaultSubvolumeId);
            explanation.Add($"({device}): using {Grub2.Format} configuration {path} in the btrfs default subvolume {btrfs.DefaultSubvolumeId}"
                + $" ({(where is null ? "not reachable from the top level" : PathBytes.ToDisplayString(where))}), where SUSE's GRUB reads it");
            return Parse(Grub2, view, device, path, devices, options);
        }

        return null;
    }

    private static BootSelection Parse(IBootConfigParser parser, IFileSystemReader fs, string device, string path, IBootDeviceMap devices, GuestBootOptions options)
        => parser.Parse(new BootConfigContext
        {
            FileSystem = fs,
            DeviceName = device,
            ConfigPath = path,
            Devices = devices,
            Options = options.Config,
            Logger = options.Logger,
        });

    /// <summary>
    /// A guest with both grub.cfg and a GRUB legacy menu.lst boots grub.cfg (an installed GRUB 2 reads it); the
    /// explanation says when menu.lst would have booted something else. A menu.lst that cannot be read changes nothing.
    /// </summary>
    private static BootSelection CompareWithMenuLst(BootSelection grubCfg, IFileSystemReader fs, string device, IBootDeviceMap devices, GuestBootOptions options, List<string> explanation)
    {
        string? menuLst = GrubLegacy.ConfigPaths.FirstOrDefault(p => fs.Lookup(PathBytes.FromConfigText(p)) is not null);
        if (menuLst is null)
        {
            return grubCfg;
        }

        try
        {
            return ConfigPrecedence.PreferGrub2(grubCfg, Parse(GrubLegacy, fs, device, menuLst, devices, options));
        }
        catch (ConfigSyntaxException error)
        {
            explanation.Add($"({device}): {menuLst} also exists but cannot be parsed ({error.Message}); it does not matter because GRUB 2 reads grub.cfg");
            return grubCfg;
        }
    }

    /// <summary>Expands <c>*</c> components against the directories that exist, in on-disk order.</summary>
    private static IEnumerable<string> Expand(IFileSystemReader fs, string pattern)
    {
        int star = pattern.IndexOf("/*/", StringComparison.Ordinal);
        if (star < 0)
        {
            yield return pattern;
            yield break;
        }

        string parent = pattern[..star];
        string rest = pattern[(star + 2)..];
        FileSystemEntry? directory = fs.Lookup(PathBytes.FromConfigText(parent.Length == 0 ? "/" : parent));
        if (directory?.Type != FileSystemEntryType.Directory)
        {
            yield break;
        }

        foreach (DirectoryListing item in fs.ListDirectory(directory))
        {
            string name = System.Text.Encoding.Latin1.GetString(item.Name.Span);
            foreach (string expanded in Expand(fs, $"{parent}/{name}{rest}"))
            {
                yield return expanded;
            }
        }
    }
}
