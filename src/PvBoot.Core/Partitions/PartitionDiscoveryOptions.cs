namespace PvBoot.Core.Partitions;

/// <summary>
/// Limits that <see cref="PartitionDiscovery"/> applies independently of what a guest disk claims, so that a hostile
/// partition table or volume group costs bounded time and memory.
/// </summary>
public sealed record PartitionDiscoveryOptions
{
    /// <summary>The most candidates (partitions and logical volumes) one disk may yield; more is an error. Default 128.</summary>
    public int MaxPartitions { get; init; } = 128;

    /// <summary>The most extended boot records followed in one logical partition chain. Default 128.</summary>
    public int MaxLogicalPartitions { get; init; } = 128;

    /// <summary>The largest GPT partition entry array read (entry count × entry size), in bytes. Default 4 MiB.</summary>
    public int MaxGptEntryArrayBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest LVM2 text metadata read, in bytes. Default 1 MiB.</summary>
    public int MaxLvmMetadataBytes { get; init; } = 1024 * 1024;

    /// <summary>The deepest nesting of sections and lists accepted in LVM2 text metadata. Default 32.</summary>
    public int MaxLvmMetadataDepth { get; init; } = 32;

    /// <summary>The most segments one logical volume may have. Default 1024.</summary>
    public int MaxLvmSegments { get; init; } = 1024;

    /// <summary>
    /// Whether logical volumes PvBoot cannot read (striped, mirrored, RAID, thin, or on a physical volume of another
    /// disk) are left out instead of failing the whole discovery with an <see cref="ImageProblem.Unsupported"/>
    /// <see cref="CorruptImageException"/>. Default <see langword="false"/>: the caller learns which volume is unreadable.
    /// </summary>
    public bool SkipUnsupportedVolumes { get; init; }
}
