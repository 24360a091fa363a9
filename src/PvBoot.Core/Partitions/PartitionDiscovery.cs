using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>
/// Finds every place on a guest disk where a boot file system may live, in the order a boot loader should try them,
/// with GRUB's device names: MBR primary and logical partitions, GPT partitions, the whole disk (no table, or a hybrid
/// ISO) and linear LVM2 logical volumes.
/// </summary>
public static class PartitionDiscovery
{
    /// <summary>The sector size partition tables are addressed in.</summary>
    internal const int SectorSize = 512;

    /// <summary>
    /// Reads the partition tables of <paramref name="disk"/> and returns the candidate file system locations: for an
    /// MBR disk the active partition first, then the other primaries in table order, then the logical partitions
    /// (numbered from 5); for a GPT disk the used entries in table order; for a hybrid ISO the whole disk first; for a
    /// disk without a table the whole disk; LVM2 physical volumes are replaced by their linear logical volumes.
    /// </summary>
    /// <param name="disk">The guest disk.</param>
    /// <param name="options">Limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The candidates, best first.</returns>
    /// <exception cref="CorruptImageException">A table or volume group is corrupt, hostile, exceeds a limit, or uses an unsupported layout.</exception>
    public static IReadOnlyList<PartitionCandidate> Discover(IBlockSource disk, PartitionDiscoveryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        options ??= new PartitionDiscoveryOptions();
        var found = new CandidateList(disk, options);

        if (disk.Length >= MasterBootRecord.Size)
        {
            byte[] sector = new byte[MasterBootRecord.Size];
            disk.ReadStructure(0, sector, MasterBootRecord.StructureName);
            var mbr = MasterBootRecord.Parse(sector, 0, disk.Name);
            if (IsPartitionTable(mbr))
            {
                MbrPartitionTable.Read(disk, mbr, found);
            }
        }

        if (found.Count == 0)
        {
            found.AddWholeDisk();
        }

        return found.ToList();
    }

    /// <summary>
    /// Whether a sector with the boot signature is a partition table: every boot indicator must be 0x00 or 0x80 (as
    /// GRUB requires) and at least one record must be in use; otherwise the disk is treated as having no table.
    /// </summary>
    private static bool IsPartitionTable(MasterBootRecord mbr)
    {
        if (!mbr.HasBootSignature)
        {
            return false;
        }

        bool used = false;
        foreach (MbrPartitionRecord record in mbr.Records)
        {
            if (!record.HasValidBootIndicator)
            {
                return false;
            }

            used |= !record.IsEmpty;
        }

        return used;
    }
}
