using System.Globalization;
using Microsoft.Extensions.Logging;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Core.Partitions;

namespace PvBoot.Grub2;

/// <summary>
/// The whole job of booting a PV guest from its own disk: open the image read-only, find the partitions (active
/// first, then table order, logical, GPT, hybrid ISO, LVM), probe their file systems, find the boot configuration
/// (pygrub's search order, then PvBoot's additions), evaluate it as the guest's boot loader would, and stream the
/// chosen kernel and initrd out.
/// </summary>
/// <example>
/// <code>
/// using var boot = GuestBoot.Open("/var/lib/xen/images/guest.img");
/// BootEntry entry = boot.Selection.Chosen!;
/// using (var kernel = File.Create("vmlinuz")) boot.CopyKernel(entry, kernel);
/// Console.WriteLine(entry.Arguments);
/// </code>
/// </example>
public sealed class GuestBoot : IDisposable
{
    private readonly FileBlockSource? ownedSource;
    private readonly BootDeviceMap devices;
    private readonly IFileSystemReader bootFileSystem;
    private readonly GuestBootOptions options;

    private GuestBoot(
        FileBlockSource? ownedSource,
        BootDeviceMap devices,
        IFileSystemReader bootFileSystem,
        string bootDevice,
        BootSelection selection,
        IReadOnlyList<string> explanation,
        GuestBootOptions options)
    {
        this.ownedSource = ownedSource;
        this.devices = devices;
        this.bootFileSystem = bootFileSystem;
        this.options = options;
        BootDevice = bootDevice;
        Selection = selection;
        Explanation = explanation;
    }

    /// <summary>The menu, the chosen entry and the parser's explanation.</summary>
    public BootSelection Selection { get; }

    /// <summary>The GRUB name of the device whose file system holds the configuration (e.g. <c>hd0,msdos1</c>).</summary>
    public string BootDevice { get; }

    /// <summary>The whole explanation: partitions probed, file systems found, configuration read, then the parser's trace.</summary>
    public IReadOnlyList<string> Explanation { get; }

    /// <summary>Opens a guest disk image (a file or block device) read-only and evaluates its boot configuration.</summary>
    /// <param name="imagePath">The disk image.</param>
    /// <param name="options">Options (<see cref="GuestBootOptions.Default"/> for the defaults).</param>
    /// <returns>The evaluated guest.</returns>
    /// <exception cref="CorruptImageException">The image or the file system holding the configuration is corrupt.</exception>
    /// <exception cref="ConfigSyntaxException">The configuration cannot be parsed.</exception>
    /// <exception cref="GuestBootException">No partition holds a usable boot configuration.</exception>
    public static GuestBoot Open(string imagePath, GuestBootOptions options)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        ArgumentNullException.ThrowIfNull(options);
        var source = new FileBlockSource(imagePath);
        try
        {
            return Open(source, source, options);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Evaluates the boot configuration of a guest disk given as a block source.</summary>
    /// <param name="disk">The whole guest disk.</param>
    /// <param name="options">Options (<see cref="GuestBootOptions.Default"/> for the defaults).</param>
    /// <returns>The evaluated guest.</returns>
    public static GuestBoot Open(IBlockSource disk, GuestBootOptions options)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(options);
        return Open(disk, null, options);
    }

    /// <summary>
    /// Finds the entry pygrub's <c>--entry</c> names: a number is pygrub's flat index; otherwise an exact title, then a
    /// GRUB id, then a <c>&gt;</c>-separated submenu path of titles, ids or numbers.
    /// </summary>
    /// <param name="spec">The value given.</param>
    /// <returns>The entry, or <see langword="null"/> if none matches.</returns>
    public BootEntry? FindEntry(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyList<BootEntry> menu = Selection.Menu;
        if (int.TryParse(spec.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int flat))
        {
            return menu.FirstOrDefault(e => e.FlatIndex == flat);
        }

        return menu.FirstOrDefault(e => e.Title == spec)
            ?? menu.FirstOrDefault(e => e.Id == spec)
            ?? FindByPath(menu, spec);
    }

    /// <summary>An entry for pygrub's <c>--kernel</c>/<c>--ramdisk</c>: paths in the boot file system.</summary>
    /// <param name="kernelPath">The kernel's path.</param>
    /// <param name="ramdiskPath">The initrd's path, if any.</param>
    /// <param name="arguments">The kernel command line.</param>
    /// <returns>The entry.</returns>
    public BootEntry CreateEntry(string kernelPath, string? ramdiskPath, string arguments)
    {
        ArgumentNullException.ThrowIfNull(kernelPath);
        return new BootEntry
        {
            Title = "command line",
            Kernel = new BootFile(null, kernelPath),
            Initrds = ramdiskPath is null ? [] : [new BootFile(null, ramdiskPath)],
            Arguments = arguments ?? string.Empty,
        };
    }

    /// <summary>Whether a file named by an entry exists (following symlinks) as a regular file.</summary>
    /// <param name="file">The file.</param>
    /// <returns><see langword="true"/> if it is a regular file.</returns>
    public bool FileExists(BootFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        (IFileSystemReader? fs, _) = FileSystemOf(file);
        return fs?.Lookup(PathBytes.FromConfigText(file.Path))?.Type == FileSystemEntryType.Regular;
    }

    /// <summary>Streams the entry's kernel to <paramref name="destination"/>.</summary>
    /// <param name="entry">An entry of <see cref="Selection"/> or from <see cref="CreateEntry"/>.</param>
    /// <param name="destination">Where the bytes go.</param>
    public void CopyKernel(BootEntry entry, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(destination);
        BootFile kernel = entry.Kernel
            ?? throw new GuestBootException($"the entry '{entry.Title}' loads no kernel", entry.NotBootableReason ?? "choose another entry with --entry");
        (IFileSystemReader fs, FileSystemEntry file) = ResolveRegular(kernel, "kernel");
        fs.CopyTo(file, destination);
    }

    /// <summary>Whether the entry loads an initrd.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns><see langword="true"/> if it names at least one initrd.</returns>
    public static bool HasInitrd(BootEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Initrds.Count > 0;
    }

    /// <summary>
    /// Streams the entry's initrds to <paramref name="destination"/>, concatenated in order, each starting at an offset
    /// aligned to <see cref="BootEntry.InitrdAlignment"/> (zero padding), as the boot loader loads several initrds. The
    /// total is checked against the output cap before anything is written.
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="destination">Where the bytes go.</param>
    public void CopyInitrd(BootEntry entry, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(destination);
        var files = entry.Initrds.Select(f => ResolveRegular(f, "initrd")).ToList();
        int alignment = Math.Max(1, entry.InitrdAlignment);
        long total = 0;
        foreach ((_, FileSystemEntry file) in files)
        {
            total = AlignUp(total, alignment) + file.Size;
        }

        if (total > options.Budgets.MaxFileBytes)
        {
            throw new CorruptImageException(files[0].FileSystem.Source.Name, "initrd", "size", -1,
                $"the initrds add up to {total} bytes, more than the output cap of {options.Budgets.MaxFileBytes} bytes",
                ImageProblem.LimitExceeded);
        }

        long written = 0;
        foreach ((IFileSystemReader fs, FileSystemEntry file) in files)
        {
            int padding = (int)(AlignUp(written, alignment) - written);
            if (padding > 0)
            {
                destination.Write(new byte[padding]);
                written += padding;
            }

            fs.CopyTo(file, destination);
            written += file.Size;
        }
    }

    /// <inheritdoc />
    public void Dispose() => ownedSource?.Dispose();

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static BootEntry? FindByPath(IReadOnlyList<BootEntry> menu, string spec)
    {
        if (!spec.Contains('>', StringComparison.Ordinal))
        {
            return null;
        }

        string[] parts = spec.Split('>');
        return menu.FirstOrDefault(e =>
            e.SubmenuPath.Count == parts.Length - 1
            && Matches(e, parts[^1])
            && e.SubmenuPath.Select((title, i) => title == parts[i]).All(x => x));

        static bool Matches(BootEntry e, string part) =>
            e.Title == part || e.Id == part || e.Index.ToString(CultureInfo.InvariantCulture) == part;
    }

    private static GuestBoot Open(IBlockSource disk, FileBlockSource? owned, GuestBootOptions options)
    {
        if (options.ConfigFileOnly)
        {
            return OpenConfigFile(disk, owned, options);
        }

        var explanation = new List<string>();
        IReadOnlyList<PartitionCandidate> candidates;
        try
        {
            candidates = PartitionDiscovery.Discover(disk);
        }
        catch (CorruptImageException unsupported) when (unsupported.Kind == ImageProblem.Unsupported)
        {
            // A striped or thin volume elsewhere on the disk must not stop a plain /boot partition from booting.
            explanation.Add($"{unsupported.Message}; that volume is left out");
            candidates = PartitionDiscovery.Discover(disk, new PartitionDiscoveryOptions { SkipUnsupportedVolumes = true });
        }

        if (options.PartitionOffset is long offset)
        {
            candidates = [.. candidates.Where(c => c.Offset == offset && c.Scheme != PartitionScheme.Lvm)];
            if (candidates.Count == 0)
            {
                if (offset < 0 || offset >= disk.Length)
                {
                    throw new GuestBootException($"{disk.Name}: --offset={offset} lies outside the {disk.Length}-byte image", "give the byte offset of a partition");
                }

                candidates = [new PartitionCandidate { GrubName = "hd0", Source = disk.Slice(offset, disk.Length - offset, $"{disk.Name} @{offset}"), Scheme = PartitionScheme.WholeDisk, Offset = offset }];
            }
        }

        explanation.Add($"{disk.Name}: {candidates.Count} candidate location(s): {string.Join(", ", candidates.Select(c => c.ToString()))}");
        var devices = new BootDeviceMap(candidates, options.Budgets);
        var problems = new List<Exception>();
        (PartitionCandidate Candidate, IFileSystemReader Fs, BootSelection Selection)? menuOnly = null;
        foreach (PartitionCandidate candidate in candidates)
        {
            IFileSystemReader? fs = devices.Open(candidate);
            if (fs is null)
            {
                if (devices.Failures.TryGetValue(candidate.GrubName, out CorruptImageException? error))
                {
                    explanation.Add($"({candidate.GrubName}): cannot be read: {error.Message}");
                    problems.Add(error);
                }
                else
                {
                    explanation.Add($"({candidate.GrubName}): no known file system");
                }

                continue;
            }

            explanation.Add($"({candidate.GrubName}): {fs.FileSystemType} file system{(fs.Uuid is null ? string.Empty : " " + fs.Uuid)}");
            foreach (string warning in fs.Warnings)
            {
                explanation.Add($"({candidate.GrubName}): warning: {warning}");
            }

            BootSelection? selection;
            try
            {
                selection = ConfigSearch.Evaluate(fs, candidate.GrubName, devices, options, explanation);
            }
            catch (Exception error) when (error is ConfigSyntaxException or CorruptImageException)
            {
                explanation.Add($"({candidate.GrubName}): {error.Message}");
                problems.Add(error);
                continue;
            }

            if (selection is null)
            {
                continue;
            }

            if (selection.Chosen is not null)
            {
                options.Logger.LogDebug("Booting from ({Device}) with {Config}", candidate.GrubName, selection.ConfigPath);
                return new GuestBoot(owned, devices, fs, candidate.GrubName, selection, [.. explanation, .. selection.Explanation], options);
            }

            explanation.Add($"({candidate.GrubName}): {selection.ConfigPath} has no bootable entry");
            menuOnly ??= (candidate, fs, selection);
        }

        if (menuOnly is { } found)
        {
            return new GuestBoot(owned, devices, found.Fs, found.Candidate.GrubName, found.Selection, [.. explanation, .. found.Selection.Explanation], options);
        }

        if (problems.Count > 0)
        {
            // The most specific reason nothing boots: rethrow the first structural or syntax error.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(problems[0]).Throw();
        }

        throw new GuestBootException(
            $"{disk.Name}: no partition holds a boot configuration ({string.Join("; ", explanation.Skip(1))})",
            candidates.Count <= 1
                ? "the first disk in the domain config has no boot partition; libxl passes only the first disk to the boot loader"
                : "check that /boot is on the first disk of the domain config and holds grub.cfg, menu.lst, extlinux.conf or loader/entries");
    }

    /// <summary>
    /// pygrub's <c>--isconfig</c>: the source is a bare configuration file, read with the parser its name calls for
    /// (<c>menu.lst</c>/<c>grub.conf</c> GRUB legacy, <c>*linux.c*</c> syslinux, <c>lilo.conf</c> LILO, else GRUB 2).
    /// </summary>
    private static GuestBoot OpenConfigFile(IBlockSource file, FileBlockSource? owned, GuestBootOptions options)
    {
        if (file.Length > options.Config.MaxConfigBytes)
        {
            throw new ConfigSyntaxException(new SourceLocation(file.Name, 1, 1),
                $"the configuration is too large: {file.Length} bytes, more than {options.Config.MaxConfigBytes}");
        }

        // The file's own path is its path in the one-file file system, so every message names the file that was given.
        string path = Path.GetFileName(file.Name).Length == 0 ? "/grub.cfg" : Path.GetFullPath(file.Name);
        var fs = new HostConfigFileSystem(file, path, options.Budgets);
        var devices = new BootDeviceMap([], options.Budgets);
        IBootConfigParser parser = ConfigSearch.ParserForFileName(fs.ConfigPath);
        BootSelection selection = parser.Parse(new BootConfigContext
        {
            FileSystem = fs,
            DeviceName = "host",
            ConfigPath = fs.ConfigPath,
            Devices = devices,
            Options = options.Config,
            Logger = options.Logger,
        });
        string[] explanation = [$"{file.Name}: read as a bare {parser.Format} configuration (--isconfig)", .. selection.Explanation];
        return new GuestBoot(owned, devices, fs, "host", selection, explanation, options);
    }

    private (IFileSystemReader? FileSystem, string Device) FileSystemOf(BootFile file)
    {
        if (file.Device is null)
        {
            return (bootFileSystem, BootDevice);
        }

        return (devices.Open(file.Device), file.Device);
    }

    private (IFileSystemReader FileSystem, FileSystemEntry File) ResolveRegular(BootFile file, string role)
    {
        (IFileSystemReader? fs, string device) = FileSystemOf(file);
        if (fs is null)
        {
            throw new GuestBootException($"the {role} {file} is on device ({device}), which holds no readable file system",
                "check the entry's device prefix or 'set root=' line");
        }

        FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(file.Path));
        if (entry is null)
        {
            throw new GuestBootException($"{fs.Source.Name}: the {role} {file.Path} does not exist in ({device})",
                "the configuration names a file that is not in the guest's boot file system");
        }

        if (entry.Type != FileSystemEntryType.Regular)
        {
            throw new GuestBootException($"{fs.Source.Name}: the {role} {file.Path} is a {entry.Type}, not a regular file",
                "only regular files can be booted as kernel or initrd");
        }

        return (fs, entry);
    }
}
