using PvBoot.Core.Boot;

namespace PvBoot.Shim.Boot;

/// <summary>What the shim needs from an opened guest: the menu, entry lookup and file extraction.</summary>
internal interface IBootSession : IDisposable
{
    /// <summary>The menu and the boot loader's choice.</summary>
    BootSelection Selection { get; }

    /// <summary>The GRUB name of the boot file system's device, e.g. <c>hd0,msdos1</c>.</summary>
    string BootDevice { get; }

    /// <summary>The reasoning: partitions probed, config found, how the default was chosen.</summary>
    IReadOnlyList<string> Explanation { get; }

    /// <summary>Finds the entry that <c>--entry</c> names, or <see langword="null"/>.</summary>
    BootEntry? FindEntry(string spec);

    /// <summary>Makes an entry for <c>--kernel</c>/<c>--ramdisk</c>/<c>--args</c> or an edited entry.</summary>
    BootEntry CreateEntry(string kernelPath, string? ramdiskPath, string arguments);

    /// <summary>Whether a boot file exists (for <c>-n</c>).</summary>
    bool FileExists(BootFile file);

    /// <summary>Streams the kernel.</summary>
    void CopyKernel(BootEntry entry, Stream destination);

    /// <summary>Whether the entry loads an initrd.</summary>
    bool HasInitrd(BootEntry entry);

    /// <summary>Streams the initrd(s).</summary>
    void CopyInitrd(BootEntry entry, Stream destination);
}

/// <summary>How to open a guest.</summary>
/// <param name="ImagePath">The image (or bare config) path, used for messages.</param>
/// <param name="ImageHandle">The image opened read-only (opened before any privilege drop).</param>
/// <param name="PartitionOffset"><c>--offset</c>.</param>
/// <param name="ConfigFileOnly"><c>--isconfig</c>.</param>
/// <param name="MaxFileBytes">The output cap per file.</param>
/// <param name="Logger">The logger.</param>
/// <param name="XenModuleAsKernel"><c>--xen-dom0-kernel</c> (<see cref="PvBoot.Core.Boot.BootConfigOptions.XenModuleAsKernel"/>).</param>
/// <param name="ListEveryEntry">
/// Whether the output needs every entry with what it loads (<see cref="PvBoot.Core.Boot.BootConfigOptions.ListEveryEntry"/>):
/// the menu, <c>-l</c>, <c>--entry</c>, <c>--explain</c> and JSON do; a quiet run of the default entry does not.
/// </param>
internal sealed record BootSessionRequest(
    string ImagePath,
    Microsoft.Win32.SafeHandles.SafeFileHandle ImageHandle,
    long? PartitionOffset,
    bool ConfigFileOnly,
    long MaxFileBytes,
    Microsoft.Extensions.Logging.ILogger Logger,
    bool XenModuleAsKernel = false,
    bool ListEveryEntry = true);
