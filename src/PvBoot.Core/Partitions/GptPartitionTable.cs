using System.Globalization;
using System.IO.Hashing;
using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>
/// Reads a GUID Partition Table: the primary header at sector 1, or the backup header at the last sector when the
/// primary is damaged (bad signature, header size or CRC, or entry array CRC). A header whose CRC is right but whose
/// fields are impossible is not damage but a hostile or broken table, and is an error without falling back.
/// </summary>
internal static class GptPartitionTable
{
    private const int SectorSize = PartitionDiscovery.SectorSize;

    /// <summary>Adds the used GPT entries to <paramref name="found"/> in table order, named <c>hd0,gptN</c> with N = index + 1.</summary>
    public static void Read(IBlockSource disk, CandidateList found)
    {
        long sectors = disk.Length / SectorSize;
        Table? table = TryRead(disk, found.Options, 1, sectors, out CorruptImageException? primaryDamage);
        if (table is null && sectors > 3)
        {
            table = TryRead(disk, found.Options, sectors - 1, sectors, out _);
        }

        if (table is null)
        {
            throw primaryDamage!;
        }

        AddEntries(disk, found, table);
    }

    private static Table? TryRead(IBlockSource disk, PartitionDiscoveryOptions options, long lba, long sectors, out CorruptImageException? damage)
    {
        damage = null;
        long offset = lba * SectorSize;
        if (lba >= sectors)
        {
            damage = new CorruptImageException(disk.Name, GptHeader.StructureName, "signature", offset, $"the {disk.Length}-byte image is too short to hold a GPT header at sector {lba}");
            return null;
        }

        byte[] sector = new byte[SectorSize];
        disk.ReadStructure(offset, sector, GptHeader.StructureName);
        var header = GptHeader.Parse(sector, offset, disk.Name);
        if (!header.HasSignature)
        {
            damage = Error(disk, header, GptHeader.Layout.Signature, "signature", $"the header at sector {lba} does not start with \"EFI PART\"");
            return null;
        }

        if (!header.HasPlausibleHeaderSize(SectorSize))
        {
            damage = Error(disk, header, GptHeader.Layout.HeaderSize, "header_size", $"header size {header.HeaderSize} is outside {GptHeader.Size}..{SectorSize}");
            return null;
        }

        uint crc = header.ComputeHeaderCrc32(sector);
        if (crc != header.HeaderCrc32)
        {
            damage = Error(disk, header, GptHeader.Layout.HeaderCrc32, "header_crc32", $"stored CRC32 0x{header.HeaderCrc32:X8} but the header's is 0x{crc:X8}");
            return null;
        }

        // From here the header is intact, so an impossible value is deliberate or a bug in the tool that wrote it.
        Validate(disk, options, header, (ulong)lba, (ulong)sectors);
        long arrayOffset = (long)header.PartitionEntryLba * SectorSize;
        int arrayBytes = (int)(header.NumPartitionEntries * (ulong)header.SizeofPartitionEntry);
        byte[] array = new byte[arrayBytes];
        disk.ReadStructure(arrayOffset, array, GptPartitionEntry.StructureName);
        uint arrayCrc = Crc32.HashToUInt32(array);
        if (arrayCrc != header.PartitionEntryArrayCrc32)
        {
            damage = Error(
                disk,
                header,
                GptHeader.Layout.PartitionEntryArrayCrc32,
                "partition_entry_array_crc32",
                $"stored CRC32 0x{header.PartitionEntryArrayCrc32:X8} but the entry array's is 0x{arrayCrc:X8}");
            return null;
        }

        return new Table(header, array, arrayOffset);
    }

    private static void Validate(IBlockSource disk, PartitionDiscoveryOptions options, GptHeader header, ulong lba, ulong sectors)
    {
        if (header.MyLba != lba)
        {
            throw Error(disk, header, GptHeader.Layout.MyLba, "my_lba", $"the header at sector {lba} says it is at sector {header.MyLba}");
        }

        if (!header.HasLegalEntrySize)
        {
            throw Error(disk, header, GptHeader.Layout.SizeofPartitionEntry, "sizeof_partition_entry", $"entry size {header.SizeofPartitionEntry} is not 128 × 2^n");
        }

        ulong arrayBytes = header.NumPartitionEntries * (ulong)header.SizeofPartitionEntry;
        if (arrayBytes > (ulong)Math.Max(0, options.MaxGptEntryArrayBytes))
        {
            throw new CorruptImageException(
                disk.Name,
                GptHeader.StructureName,
                "num_partition_entries",
                header.FieldOffset(GptHeader.Layout.NumPartitionEntries),
                $"{header.NumPartitionEntries} entries of {header.SizeofPartitionEntry} bytes make a {arrayBytes}-byte array, more than the {options.MaxGptEntryArrayBytes}-byte limit",
                ImageProblem.LimitExceeded);
        }

        ulong arraySectors = (arrayBytes + SectorSize - 1) / SectorSize;
        bool arrayInside = lba == 1
            ? header.PartitionEntryLba >= 2 && header.PartitionEntryLba <= sectors && arraySectors <= sectors - header.PartitionEntryLba
            : header.PartitionEntryLba > 1 && header.PartitionEntryLba <= lba && arraySectors <= lba - header.PartitionEntryLba;
        if (!arrayInside)
        {
            throw Error(
                disk,
                header,
                GptHeader.Layout.PartitionEntryLba,
                "partition_entry_lba",
                $"the {arrayBytes}-byte entry array at sector {header.PartitionEntryLba} does not fit between the header and the end of the {sectors}-sector image (truncated or corrupt image)");
        }

        if (header.LastUsableLba >= sectors)
        {
            throw Error(disk, header, GptHeader.Layout.LastUsableLba, "last_usable_lba", $"last usable sector {header.LastUsableLba} is past the end of the {sectors}-sector image (truncated or corrupt image)");
        }

        if (header.FirstUsableLba > header.LastUsableLba || header.FirstUsableLba < 2)
        {
            throw Error(disk, header, GptHeader.Layout.FirstUsableLba, "first_usable_lba", $"first usable sector {header.FirstUsableLba} is not within 2..{header.LastUsableLba}");
        }
    }

    private static void AddEntries(IBlockSource disk, CandidateList found, Table table)
    {
        GptHeader header = table.Header;
        int stride = (int)header.SizeofPartitionEntry;
        for (int i = 0; i < (int)header.NumPartitionEntries; i++)
        {
            long entryOffset = table.ArrayOffset + ((long)i * stride);
            var entry = GptPartitionEntry.Parse(table.Array.AsSpan(i * stride, stride), entryOffset, disk.Name);
            if (entry.IsEmpty)
            {
                continue;
            }

            int number = i + 1;
            if (entry.StartingLba < header.FirstUsableLba || entry.StartingLba > header.LastUsableLba)
            {
                throw EntryError(disk, entry, GptPartitionEntry.Layout.StartingLba, "starting_lba", $"partition {number} starts at sector {entry.StartingLba}, outside the usable sectors {header.FirstUsableLba}..{header.LastUsableLba}");
            }

            if (entry.EndingLba < entry.StartingLba)
            {
                throw EntryError(disk, entry, GptPartitionEntry.Layout.EndingLba, "ending_lba", $"partition {number} ends at sector {entry.EndingLba}, before its start {entry.StartingLba}");
            }

            if (entry.EndingLba > header.LastUsableLba)
            {
                throw EntryError(disk, entry, GptPartitionEntry.Layout.EndingLba, "ending_lba", $"partition {number} ends at sector {entry.EndingLba}, past the last usable sector {header.LastUsableLba}");
            }

            // Both LBAs are below the image's sector count (checked through last_usable_lba), so the products fit.
            long start = (long)entry.StartingLba * SectorSize;
            long length = (long)(entry.EndingLba - entry.StartingLba + 1) * SectorSize;
            string name = "hd0,gpt" + number.ToString(CultureInfo.InvariantCulture);
            found.Add(new PartitionCandidate
            {
                GrubName = name,
                Source = new SubBlockSource(disk, start, length, found.SourceName(name)),
                Scheme = PartitionScheme.Gpt,
                Offset = start,
                Number = number,
                GptType = entry.PartitionTypeGuid,
                Label = entry.PartitionName.Length == 0 ? null : entry.PartitionName,
            });
        }
    }

    private static CorruptImageException Error(IBlockSource disk, GptHeader header, int field, string fieldName, string problem)
        => new(disk.Name, GptHeader.StructureName, fieldName, header.FieldOffset(field), problem);

    private static CorruptImageException EntryError(IBlockSource disk, GptPartitionEntry entry, int field, string fieldName, string problem)
        => new(disk.Name, GptPartitionEntry.StructureName, fieldName, entry.FieldOffset(field), problem);

    private sealed record Table(GptHeader Header, byte[] Array, long ArrayOffset);
}
