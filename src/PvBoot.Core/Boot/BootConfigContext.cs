using Microsoft.Extensions.Logging;
using PvBoot.Core.FileSystems;

namespace PvBoot.Core.Boot;

/// <summary>Everything a <see cref="IBootConfigParser"/> needs to read one configuration file.</summary>
public sealed class BootConfigContext
{
    /// <summary>The file system holding the configuration.</summary>
    public required IFileSystemReader FileSystem { get; init; }

    /// <summary>The GRUB name of the device holding <see cref="FileSystem"/> (e.g. <c>hd0,msdos1</c>).</summary>
    public required string DeviceName { get; init; }

    /// <summary>The configuration file's absolute path inside <see cref="FileSystem"/>.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>All devices of the guest, for device prefixes and <c>search</c>.</summary>
    public required IBootDeviceMap Devices { get; init; }

    /// <summary>Options that change the evaluation.</summary>
    public BootConfigOptions Options { get; init; } = BootConfigOptions.Default;

    /// <summary>Where diagnostics go.</summary>
    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
