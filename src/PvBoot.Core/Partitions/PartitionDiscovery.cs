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
                if (IsProtectiveOrHybrid(mbr))
                {
                    GptPartitionTable.Read(disk, found);
                }
                else
                {
                    MbrPartitionTable.Read(disk, mbr, found);
                }
            }
        }

        if (found.Count == 0)
        {
            // No partition table: the whole disk may be an LVM2 physical volume, else it is one file system.
            LvmPhysicalVolume? pv = LvmPhysicalVolume.TryRead(disk, 0, disk.Length, options);
            if (pv is not null)
            {
                LvmVolumeGroups.AddLogicalVolumes(disk, [pv], found);
            }

            if (found.Count == 0)
            {
                found.AddWholeDisk();
            }

            return found.ToList();
        }

        ReplacePhysicalVolumesByLogicalVolumes(disk, found, options);
        if (found.Count == 0)
        {
            // Only physical volumes without visible volumes: like pygrub, fall back to the start of the disk.
            found.AddWholeDisk();
        }
        else if (HasIsoPrimaryVolumeDescriptor(disk))
        {
            // A hybrid ISO: GRUB and the firmware may read the ISO 9660 file system from the whole disk.
            found.InsertWholeDiskFirst();
        }

        return found.ToList();
    }

    /// <summary>
    /// Looks for an LVM2 label in every partition typed as a physical volume (MBR 0x8E, GPT Linux LVM). A partition with
    /// a label is replaced by the logical volumes of its volume group; one without stays a candidate.
    /// </summary>
    private static void ReplacePhysicalVolumesByLogicalVolumes(IBlockSource disk, CandidateList found, PartitionDiscoveryOptions options)
    {
        var physicalVolumes = new List<LvmPhysicalVolume>();
        var labelled = new HashSet<string>(StringComparer.Ordinal);
        foreach (PartitionCandidate candidate in found.ToList())
        {
            if (candidate.MbrType == MbrPartitionRecord.LinuxLvmType || candidate.GptType == GptPartitionEntry.LinuxLvmType)
            {
                LvmPhysicalVolume? pv = LvmPhysicalVolume.TryRead(disk, candidate.Offset, candidate.Length, options);
                if (pv is not null)
                {
                    physicalVolumes.Add(pv);
                    labelled.Add(candidate.GrubName);
                }
            }
        }

        if (physicalVolumes.Count > 0)
        {
            found.RemoveAll(c => labelled.Contains(c.GrubName));
            LvmVolumeGroups.AddLogicalVolumes(disk, physicalVolumes, found);
        }
    }

    /// <summary>Whether any record has the GPT protective type 0xEE (as pygrub and Linux test), which makes the disk a GPT disk.</summary>
    private static bool IsProtectiveOrHybrid(MasterBootRecord mbr)
    {
        foreach (MbrPartitionRecord record in mbr.Records)
        {
            if (record.OsType == MbrPartitionRecord.GptProtectiveType)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an ISO 9660 primary volume descriptor sits at byte 32768.</summary>
    private static bool HasIsoPrimaryVolumeDescriptor(IBlockSource disk)
    {
        if (disk.Length < Iso9660VolumeDescriptor.PrimaryOffset + Iso9660VolumeDescriptor.Size)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[Iso9660VolumeDescriptor.Size];
        disk.ReadStructure(Iso9660VolumeDescriptor.PrimaryOffset, header, Iso9660VolumeDescriptor.StructureName);
        return Iso9660VolumeDescriptor.Parse(header, Iso9660VolumeDescriptor.PrimaryOffset, disk.Name).IsPrimary;
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
