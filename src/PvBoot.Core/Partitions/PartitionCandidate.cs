using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>A place on a guest disk where a file system may live.</summary>
public sealed class PartitionCandidate
{
    /// <summary>The GRUB device name without parentheses: <c>hd0</c>, <c>hd0,msdos1</c>, <c>hd0,msdos5</c>, <c>hd0,gpt2</c>, <c>lvm/VG-LV</c>.</summary>
    public required string GrubName { get; init; }

    /// <summary>The bytes of the candidate.</summary>
    public required IBlockSource Source { get; init; }

    /// <summary>How the candidate was found.</summary>
    public required PartitionScheme Scheme { get; init; }

    /// <summary>The byte offset of the candidate's first byte on the disk; for a logical volume, of its first extent.</summary>
    public required long Offset { get; init; }

    /// <summary>The length in bytes.</summary>
    public long Length => Source.Length;

    /// <summary>The 1-based partition number as Linux and GRUB number it (logical partitions from 5), or 0 for the whole disk or a volume.</summary>
    public int Number { get; init; }

    /// <summary>The MBR type byte, for MBR partitions.</summary>
    public byte? MbrType { get; init; }

    /// <summary>The GPT partition type GUID, for GPT partitions.</summary>
    public Guid? GptType { get; init; }

    /// <summary>Whether the MBR marks the partition active (bootable).</summary>
    public bool Active { get; init; }

    /// <summary>The GPT partition name or the LVM <c>VG/LV</c> name, if any.</summary>
    public string? Label { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"({GrubName}) at {Offset}, {Length} bytes";
}
