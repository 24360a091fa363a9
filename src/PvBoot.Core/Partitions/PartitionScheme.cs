namespace PvBoot.Core.Partitions;

/// <summary>Where a candidate file system location came from.</summary>
public enum PartitionScheme
{
    /// <summary>The whole disk: no partition table, or a hybrid ISO seen at offset 0.</summary>
    WholeDisk,

    /// <summary>An MBR primary or logical partition.</summary>
    Msdos,

    /// <summary>A GPT partition.</summary>
    Gpt,

    /// <summary>An LVM2 logical volume.</summary>
    Lvm,
}
