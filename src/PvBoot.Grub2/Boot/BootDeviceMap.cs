using System.Globalization;
using PvBoot.Core;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Core.Partitions;
using PvBoot.FileSystems;

namespace PvBoot.Grub2;

/// <summary>
/// The guest's partitions by GRUB device name, each file system probed and opened once, on first use. Any disk name
/// (<c>hd0</c>, <c>hd1</c>, <c>xen/xvda</c>, <c>/dev/sda</c>) means the one guest image; a partition number means that
/// entry of its table (<c>hd0,1</c> matches <c>msdos1</c> or <c>gpt1</c>); on an image without a table any partition
/// means the whole image.
/// </summary>
internal sealed class BootDeviceMap : IBootDeviceMap
{
    private readonly IReadOnlyList<PartitionCandidate> candidates;
    private readonly FileSystemBudgets budgets;
    private readonly Dictionary<string, IFileSystemReader?> opened = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CorruptImageException> failures = new(StringComparer.Ordinal);

    public BootDeviceMap(IReadOnlyList<PartitionCandidate> candidates, FileSystemBudgets budgets)
    {
        this.candidates = candidates;
        this.budgets = budgets;
        DeviceNames = [.. candidates.Select(c => c.GrubName)];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> DeviceNames { get; }

    /// <summary>Why a device's file system could not be opened, by device name.</summary>
    public IReadOnlyDictionary<string, CorruptImageException> Failures => failures;

    /// <inheritdoc />
    public IFileSystemReader? Open(string device)
    {
        PartitionCandidate? candidate = Find(device);
        return candidate is null ? null : Open(candidate);
    }

    /// <summary>Opens a candidate's file system; a corrupt or unsupported one is remembered and gives <see langword="null"/>.</summary>
    public IFileSystemReader? Open(PartitionCandidate candidate)
    {
        if (opened.TryGetValue(candidate.GrubName, out IFileSystemReader? reader))
        {
            return reader;
        }

        try
        {
            reader = FileSystemProbes.TryOpen(candidate.Source, budgets);
        }
        catch (CorruptImageException error)
        {
            failures[candidate.GrubName] = error;
            reader = null;
        }

        opened[candidate.GrubName] = reader;
        return reader;
    }

    /// <summary>Finds the candidate a GRUB device name refers to.</summary>
    public PartitionCandidate? Find(string device)
    {
        string name = device.Trim().TrimStart('(').TrimEnd(')');
        PartitionCandidate? exact = candidates.FirstOrDefault(c => c.GrubName == name);
        if (exact is not null)
        {
            return exact;
        }

        if (name.StartsWith("lvm/", StringComparison.Ordinal) || name.StartsWith("lvmid/", StringComparison.Ordinal)
            || name.StartsWith("md/", StringComparison.Ordinal) || name.StartsWith("crypto", StringComparison.Ordinal))
        {
            return null;
        }

        int comma = name.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return candidates.FirstOrDefault(c => c.Scheme == PartitionScheme.WholeDisk);
        }

        string partition = name[(comma + 1)..];
        int subComma = partition.IndexOf(',', StringComparison.Ordinal);
        if (subComma >= 0)
        {
            partition = partition[..subComma];
        }

        string digits = partition.TrimStart('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z');
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            return null;
        }

        string scheme = partition[..^digits.Length];
        PartitionCandidate? numbered = candidates.FirstOrDefault(c =>
            c.Number == number
            && (scheme.Length == 0
                || (scheme == "msdos" && c.Scheme == PartitionScheme.Msdos)
                || (scheme == "gpt" && c.Scheme == PartitionScheme.Gpt)));
        if (numbered is not null)
        {
            return numbered;
        }

        // An image without a partition table (a file system passed as xvda1): any partition means the whole image.
        bool hasTable = candidates.Any(c => c.Scheme is PartitionScheme.Msdos or PartitionScheme.Gpt);
        return hasTable ? null : candidates.FirstOrDefault(c => c.Scheme == PartitionScheme.WholeDisk);
    }
}
