using System.Globalization;
using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>
/// Reads an MBR partition table: the four primary records, then the logical partitions of every extended partition
/// by following its chain of extended boot records (numbered 5, 6, … as Linux and GRUB number them).
/// </summary>
internal static class MbrPartitionTable
{
    private const int FirstLogicalNumber = 5;
    private const int SectorSize = PartitionDiscovery.SectorSize;

    /// <summary>Adds the partitions of <paramref name="mbr"/> to <paramref name="found"/>, the active one first.</summary>
    public static void Read(IBlockSource disk, MasterBootRecord mbr, CandidateList found)
    {
        var extended = new List<MbrPartitionRecord>();
        ReadOnlySpan<MbrPartitionRecord> records = mbr.Records;
        for (int i = 0; i < records.Length; i++)
        {
            MbrPartitionRecord record = records[i];
            if (record.IsEmpty)
            {
                continue;
            }

            if (record.IsExtended)
            {
                extended.Add(record);
                continue;
            }

            found.Add(Candidate(disk, found, record, record.StartingLba, i + 1));
        }

        // pygrub tries the active partition first; the rest keep table order.
        found.MoveToFront(c => c.Active);

        int number = FirstLogicalNumber;
        foreach (MbrPartitionRecord container in extended)
        {
            number = ReadLogicalPartitions(disk, container, found, number);
        }
    }

    private static int ReadLogicalPartitions(IBlockSource disk, MbrPartitionRecord container, CandidateList found, int number)
    {
        long extendedStart = container.StartingLba;

        // The MBR's own sector is "visited" so that an extended partition starting at sector 0 is caught as a loop.
        var visited = new HashSet<long> { 0 };
        long ebrLba = extendedStart;
        long linkFieldOffset = container.FieldOffset(MbrPartitionRecord.Layout.StartingLba);
        byte[] sector = new byte[MasterBootRecord.Size];
        int followed = 0;
        while (true)
        {
            if (!visited.Add(ebrLba))
            {
                throw new CorruptImageException(
                    disk.Name,
                    MbrPartitionRecord.StructureName,
                    "starting_lba",
                    linkFieldOffset,
                    $"the extended boot record chain loops back to sector {ebrLba}");
            }

            if (++followed > found.Options.MaxLogicalPartitions)
            {
                throw new CorruptImageException(
                    disk.Name,
                    MbrPartitionRecord.StructureName,
                    "starting_lba",
                    linkFieldOffset,
                    $"the extended boot record chain is longer than {found.Options.MaxLogicalPartitions} records",
                    ImageProblem.LimitExceeded);
            }

            long ebrOffset = ebrLba * SectorSize;
            if (ebrOffset + MasterBootRecord.Size > disk.Length)
            {
                throw new CorruptImageException(
                    disk.Name,
                    MasterBootRecord.ExtendedStructureName,
                    "offset",
                    ebrOffset,
                    $"the extended boot record at sector {ebrLba} lies outside the {disk.Length}-byte image (truncated or corrupt image)");
            }

            disk.ReadStructure(ebrOffset, sector, MasterBootRecord.ExtendedStructureName);
            var ebr = MasterBootRecord.Parse(sector, ebrOffset, disk.Name);
            if (!ebr.HasBootSignature)
            {
                throw new CorruptImageException(
                    disk.Name,
                    MasterBootRecord.ExtendedStructureName,
                    "signature",
                    ebrOffset + MasterBootRecord.Layout.Signature,
                    $"the extended boot record at sector {ebrLba} has signature 0x{ebr.Signature:X4}, not 0xAA55");
            }

            MbrPartitionRecord? link = null;
            foreach (MbrPartitionRecord record in ebr.Records)
            {
                if (record.IsEmpty)
                {
                    continue;
                }

                if (record.IsExtended)
                {
                    link ??= record;
                    continue;
                }

                // A logical partition's start is relative to its own extended boot record.
                found.Add(Candidate(disk, found, record, ebrLba + record.StartingLba, number));
                number++;
            }

            if (link is not { } next)
            {
                return number;
            }

            // The next link is relative to the start of the outermost extended partition.
            ebrLba = extendedStart + next.StartingLba;
            linkFieldOffset = next.FieldOffset(MbrPartitionRecord.Layout.StartingLba);
        }
    }

    private static PartitionCandidate Candidate(IBlockSource disk, CandidateList found, MbrPartitionRecord record, long startLba, int number)
    {
        // All arithmetic is on 64-bit values built from 32-bit fields, so it cannot overflow.
        long start = startLba * SectorSize;
        long length = (long)record.SizeInLba * SectorSize;
        if (start >= disk.Length)
        {
            throw new CorruptImageException(
                disk.Name,
                MbrPartitionRecord.StructureName,
                "starting_lba",
                record.FieldOffset(MbrPartitionRecord.Layout.StartingLba),
                $"partition {number} starts at sector {startLba}, past the end of the {disk.Length}-byte image");
        }

        if (length > disk.Length - start)
        {
            throw new CorruptImageException(
                disk.Name,
                MbrPartitionRecord.StructureName,
                "size_in_lba",
                record.FieldOffset(MbrPartitionRecord.Layout.SizeInLba),
                $"partition {number} (sectors {startLba}+{record.SizeInLba}) ends at byte {start + length}, past the end of the {disk.Length}-byte image");
        }

        string name = "hd0,msdos" + number.ToString(CultureInfo.InvariantCulture);
        return new PartitionCandidate
        {
            GrubName = name,
            Source = new SubBlockSource(disk, start, length, found.SourceName(name)),
            Scheme = PartitionScheme.Msdos,
            Offset = start,
            Number = number,
            MbrType = record.OsType,
            Active = record.IsActive,
        };
    }
}
