using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2;

/// <summary>Options of the whole guest-boot job (<see cref="GuestBoot"/>).</summary>
public sealed record GuestBootOptions
{
    /// <summary>The defaults.</summary>
    public static GuestBootOptions Default { get; } = new();

    /// <summary>Only the file system starting at this byte offset of the disk is read (pygrub's <c>--offset</c>).</summary>
    public long? PartitionOffset { get; init; }

    /// <summary>
    /// The image path is a bare configuration file on the host, not a disk (pygrub's <c>--isconfig</c>). Messages name
    /// the file by the source's name made absolute against the current directory.
    /// </summary>
    public bool ConfigFileOnly { get; init; }

    /// <summary>How boot configurations are evaluated.</summary>
    public BootConfigOptions Config { get; init; } = BootConfigOptions.Default;

    /// <summary>The file system budgets; <see cref="FileSystemBudgets.MaxFileBytes"/> is the output cap.</summary>
    public FileSystemBudgets Budgets { get; init; } = FileSystemBudgets.Default;

    /// <summary>Where diagnostics go.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
