using Microsoft.Win32.SafeHandles;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2;

namespace PvBoot.Shim.Boot;

/// <summary><see cref="IBootSession"/> over the library's <see cref="GuestBoot"/>.</summary>
internal sealed class GuestBootSession : IBootSession
{
    private readonly GuestBoot boot;
    private readonly FileBlockSource source;

    private GuestBootSession(GuestBoot boot, FileBlockSource source)
    {
        this.boot = boot;
        this.source = source;
    }

    /// <inheritdoc />
    public BootSelection Selection => boot.Selection;

    /// <inheritdoc />
    public string BootDevice => boot.BootDevice;

    /// <inheritdoc />
    public IReadOnlyList<string> Explanation => boot.Explanation;

    /// <summary>Opens the guest on the already-open image descriptor.</summary>
    public static IBootSession Open(BootSessionRequest request)
    {
        SafeFileHandle handle = request.ImageHandle;
        var source = new FileBlockSource(handle, request.ImagePath, ownsHandle: true);
        try
        {
            var options = new GuestBootOptions
            {
                PartitionOffset = request.PartitionOffset,
                ConfigFileOnly = request.ConfigFileOnly,
                Budgets = FileSystemBudgets.Default with { MaxFileBytes = request.MaxFileBytes },
                Config = BootConfigOptions.Default with { XenModuleAsKernel = request.XenModuleAsKernel, ListEveryEntry = request.ListEveryEntry },
                Logger = request.Logger,
            };
            return new GuestBootSession(GuestBoot.Open(source, options), source);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public BootEntry? FindEntry(string spec) => boot.FindEntry(spec);

    /// <inheritdoc />
    public BootEntry CreateEntry(string kernelPath, string? ramdiskPath, string arguments) => boot.CreateEntry(kernelPath, ramdiskPath, arguments);

    /// <inheritdoc />
    public bool FileExists(BootFile file) => boot.FileExists(file);

    /// <inheritdoc />
    public void CopyKernel(BootEntry entry, Stream destination) => boot.CopyKernel(entry, destination);

    /// <inheritdoc />
    public bool HasInitrd(BootEntry entry) => GuestBoot.HasInitrd(entry);

    /// <inheritdoc />
    public void CopyInitrd(BootEntry entry, Stream destination) => boot.CopyInitrd(entry, destination);

    /// <inheritdoc />
    public void Dispose()
    {
        boot.Dispose();
        source.Dispose();
    }
}
