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
    /// <summary>The search order.</summary>
    public static IReadOnlyList<ConfigLocation> Locations { get; } = [];

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
                var context = new BootConfigContext
                {
                    FileSystem = fs,
                    DeviceName = device,
                    ConfigPath = path,
                    Devices = devices,
                    Options = options.Config,
                    Logger = options.Logger,
                };
                return location.Parser.Parse(context);
            }
        }

        explanation.Add($"({device}): no boot configuration found");
        return null;
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
