using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>
/// An LVM2 physical volume found on the disk (on the whole disk or in a partition): its UUID, where it is, and the
/// parsed text metadata of its first usable metadata area, if it has one.
/// </summary>
internal sealed class LvmPhysicalVolume
{
    private const int SectorSize = PartitionDiscovery.SectorSize;

    private LvmPhysicalVolume(string uuid, long diskOffset, long length, LvmMetadataSection? metadata)
    {
        Uuid = uuid;
        DiskOffset = diskOffset;
        Length = length;
        Metadata = metadata;
    }

    /// <summary>The volume's UUID, 32 characters without dashes.</summary>
    public string Uuid { get; }

    /// <summary>The absolute byte offset of the volume on the disk.</summary>
    public long DiskOffset { get; }

    /// <summary>The size of the partition or disk holding the volume, in bytes.</summary>
    public long Length { get; }

    /// <summary>The top level of the volume group's text metadata, or null if the volume holds no metadata copy.</summary>
    public LvmMetadataSection? Metadata { get; }

    /// <summary>
    /// Looks for an LVM2 label in the first four sectors of <c>[diskOffset, diskOffset + length)</c> and, if there is
    /// one, reads the physical volume header and the text metadata.
    /// </summary>
    /// <returns>The volume, or null if there is no label.</returns>
    public static LvmPhysicalVolume? TryRead(IBlockSource disk, long diskOffset, long length, PartitionDiscoveryOptions options)
    {
        byte[] sector = new byte[SectorSize];
        for (int s = 0; s < LvmLabelHeader.ScanSectors && (long)(s + 1) * SectorSize <= length; s++)
        {
            long labelOffset = diskOffset + ((long)s * SectorSize);
            disk.ReadStructure(labelOffset, sector, LvmLabelHeader.StructureName);
            var label = LvmLabelHeader.Parse(sector, labelOffset, disk.Name);
            if (label.HasLabelId)
            {
                return Read(disk, diskOffset, length, options, sector, label, s);
            }
        }

        return null;
    }

    private static LvmPhysicalVolume Read(IBlockSource disk, long pvOffset, long pvLength, PartitionDiscoveryOptions options, byte[] sector, LvmLabelHeader label, int sectorIndex)
    {
        if (label.SectorXl != (ulong)sectorIndex)
        {
            throw LabelError(disk, label, LvmLabelHeader.Layout.SectorXl, "sector_xl", $"the label in sector {sectorIndex} says it is in sector {label.SectorXl}");
        }

        uint crc = LvmChecksum.Compute(sector.AsSpan(LvmLabelHeader.Layout.OffsetXl));
        if (crc != label.CrcXl)
        {
            throw LabelError(disk, label, LvmLabelHeader.Layout.CrcXl, "crc_xl", $"stored checksum 0x{label.CrcXl:X8} but the label's is 0x{crc:X8}");
        }

        if (!label.IsLvm2Type)
        {
            throw new CorruptImageException(
                disk.Name,
                LvmLabelHeader.StructureName,
                "type",
                label.FieldOffset(LvmLabelHeader.Layout.Type),
                "the label is not of type \"LVM2 001\"",
                ImageProblem.Unsupported);
        }

        if (label.OffsetXl < LvmLabelHeader.Size || label.OffsetXl > SectorSize - LvmPvHeader.Size)
        {
            throw LabelError(disk, label, LvmLabelHeader.Layout.OffsetXl, "offset_xl", $"the physical volume header offset {label.OffsetXl} is outside {LvmLabelHeader.Size}..{SectorSize - LvmPvHeader.Size}");
        }

        int headerAt = (int)label.OffsetXl;
        var header = LvmPvHeader.Parse(sector.AsSpan(headerAt), label.DiskOffset + headerAt, disk.Name);
        CorruptImageException? damage = null;
        foreach (LvmDiskLocation area in header.MetadataAreas)
        {
            try
            {
                LvmMetadataSection? metadata = ReadMetadataArea(disk, pvOffset, pvLength, options, area);
                if (metadata is not null)
                {
                    return new LvmPhysicalVolume(header.PvUuid, pvOffset, pvLength, metadata);
                }
            }
            catch (CorruptImageException e) when (e.Kind == ImageProblem.Corrupt && IsChecksumField(e))
            {
                // A damaged copy: LVM2 keeps others (pvcreate --metadatacopies 2) for exactly this case.
                damage ??= e;
            }
        }

        if (damage is not null)
        {
            throw damage;
        }

        return new LvmPhysicalVolume(header.PvUuid, pvOffset, pvLength, null);
    }

    private static bool IsChecksumField(CorruptImageException e)
        => e.Field is "checksum_xl" or "checksum" or "magic";

    private static LvmMetadataSection? ReadMetadataArea(IBlockSource disk, long pvOffset, long pvLength, PartitionDiscoveryOptions options, LvmDiskLocation area)
    {
        if (area.Offset > (ulong)pvLength || area.SizeInBytes > (ulong)pvLength - area.Offset || area.SizeInBytes < LvmMetadataAreaHeader.Size)
        {
            throw new CorruptImageException(
                disk.Name,
                LvmDiskLocation.StructureName,
                "offset",
                area.DiskOffset,
                $"the metadata area of {area.SizeInBytes} bytes at offset {area.Offset} does not fit in the {pvLength}-byte physical volume");
        }

        long headerOffset = pvOffset + (long)area.Offset;
        byte[] buffer = new byte[LvmMetadataAreaHeader.Size];
        disk.ReadStructure(headerOffset, buffer, LvmMetadataAreaHeader.StructureName);
        var mda = LvmMetadataAreaHeader.Parse(buffer, headerOffset, disk.Name);
        if (mda.ComputedChecksum != mda.ChecksumXl)
        {
            throw MdaError(disk, mda, LvmMetadataAreaHeader.Layout.ChecksumXl, "checksum_xl", $"stored checksum 0x{mda.ChecksumXl:X8} but the header's is 0x{mda.ComputedChecksum:X8}");
        }

        if (!mda.HasMagic)
        {
            throw MdaError(disk, mda, LvmMetadataAreaHeader.Layout.Magic, "magic", "the metadata area does not start with the LVM2 magic");
        }

        if (mda.Version != LvmMetadataAreaHeader.ExpectedVersion)
        {
            throw new CorruptImageException(disk.Name, LvmMetadataAreaHeader.StructureName, "version", mda.FieldOffset(LvmMetadataAreaHeader.Layout.Version), $"metadata area version {mda.Version} is not 1", ImageProblem.Unsupported);
        }

        if (mda.Start != area.Offset)
        {
            throw MdaError(disk, mda, LvmMetadataAreaHeader.Layout.Start, "start", $"the metadata area at offset {area.Offset} says it starts at {mda.Start}");
        }

        if (mda.SizeInBytes < LvmMetadataAreaHeader.Size || mda.SizeInBytes > area.SizeInBytes)
        {
            throw MdaError(disk, mda, LvmMetadataAreaHeader.Layout.Size, "size", $"the metadata area size {mda.SizeInBytes} is outside {LvmMetadataAreaHeader.Size}..{area.SizeInBytes}");
        }

        LvmRawLocation raw = mda.FirstRawLocation;
        if (raw.IsEmpty || (raw.Flags & LvmRawLocation.IgnoredFlag) != 0)
        {
            return null;
        }

        // The cap comes first, so a claimed size of any magnitude is refused before anything is read or allocated.
        if (raw.SizeInBytes > (ulong)Math.Max(0, options.MaxLvmMetadataBytes))
        {
            throw new CorruptImageException(
                disk.Name,
                LvmRawLocation.StructureName,
                "size",
                raw.FieldOffset(LvmRawLocation.Layout.Size),
                $"{raw.SizeInBytes} bytes of text metadata exceed the {options.MaxLvmMetadataBytes}-byte limit",
                ImageProblem.LimitExceeded);
        }

        ulong areaSize = mda.SizeInBytes;
        if (raw.Offset < LvmMetadataAreaHeader.Size || raw.Offset >= areaSize)
        {
            throw RawError(disk, raw, LvmRawLocation.Layout.Offset, "offset", $"the text offset {raw.Offset} is outside {LvmMetadataAreaHeader.Size}..{areaSize - 1}");
        }

        if (raw.SizeInBytes == 0 || raw.SizeInBytes > areaSize - LvmMetadataAreaHeader.Size)
        {
            throw RawError(disk, raw, LvmRawLocation.Layout.Size, "size", $"the text size {raw.SizeInBytes} does not fit in the {areaSize}-byte metadata area");
        }

        // The text is a ring: it may run off the end of the area and continue just after the header.
        int size = (int)raw.SizeInBytes;
        int first = (int)Math.Min(raw.SizeInBytes, areaSize - raw.Offset);
        long firstOffset = headerOffset + (long)raw.Offset;
        long wrapOffset = headerOffset + LvmMetadataAreaHeader.Size;
        byte[] text = new byte[size];
        disk.ReadStructure(firstOffset, text.AsSpan(0, first), LvmMetadataSection.StructureName);
        if (first < size)
        {
            disk.ReadStructure(wrapOffset, text.AsSpan(first), LvmMetadataSection.StructureName);
        }

        uint checksum = LvmChecksum.Compute(text);
        if (checksum != raw.Checksum)
        {
            throw RawError(disk, raw, LvmRawLocation.Layout.Checksum, "checksum", $"stored checksum 0x{raw.Checksum:X8} but the text's is 0x{checksum:X8}");
        }

        return LvmMetadataParser.Parse(
            text,
            size,
            options.MaxLvmMetadataDepth,
            disk.Name,
            index => index < first ? firstOffset + index : wrapOffset + (index - first));
    }

    private static CorruptImageException LabelError(IBlockSource disk, LvmLabelHeader label, int field, string name, string problem)
        => new(disk.Name, LvmLabelHeader.StructureName, name, label.FieldOffset(field), problem);

    private static CorruptImageException MdaError(IBlockSource disk, LvmMetadataAreaHeader mda, int field, string name, string problem)
        => new(disk.Name, LvmMetadataAreaHeader.StructureName, name, mda.FieldOffset(field), problem);

    private static CorruptImageException RawError(IBlockSource disk, LvmRawLocation raw, int field, string name, string problem)
        => new(disk.Name, LvmRawLocation.StructureName, name, raw.FieldOffset(field), problem);
}
