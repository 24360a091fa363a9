using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>
/// Turns the text metadata of the LVM2 physical volumes found on one disk into candidates, one per visible linear
/// logical volume (any number of segments, each on a physical volume of this disk), named as GRUB names them:
/// <c>lvm/VG-LV</c> with every dash inside the VG and LV names doubled.
/// </summary>
internal static class LvmVolumeGroups
{
    private const int SectorSize = PartitionDiscovery.SectorSize;

    /// <summary>Adds the logical volumes of every volume group on <paramref name="physicalVolumes"/> to <paramref name="found"/>.</summary>
    public static void AddLogicalVolumes(IBlockSource disk, IReadOnlyList<LvmPhysicalVolume> physicalVolumes, CandidateList found)
    {
        var onDisk = new Dictionary<string, LvmPhysicalVolume>(StringComparer.Ordinal);
        foreach (LvmPhysicalVolume pv in physicalVolumes)
        {
            onDisk.TryAdd(pv.Uuid, pv);
        }

        // Each physical volume of a group carries a copy of the group's metadata: use the newest copy of each group once.
        var groups = new List<(string Id, long Seqno, LvmMetadataSection Group)>();
        foreach (LvmPhysicalVolume pv in physicalVolumes)
        {
            if (pv.Metadata is null)
            {
                continue;
            }

            LvmMetadataSection group = pv.Metadata.Sections.Count == 1
                ? pv.Metadata.Sections[0]
                : throw new CorruptImageException(disk.Name, LvmMetadataSection.StructureName, "text", pv.Metadata.Offset, $"the metadata holds {pv.Metadata.Sections.Count} top-level sections, not one volume group");
            string id = group.Text("id");
            long seqno = group.Integer("seqno");
            int index = groups.FindIndex(g => g.Id == id);
            if (index < 0)
            {
                groups.Add((id, seqno, group));
            }
            else if (seqno > groups[index].Seqno)
            {
                groups[index] = (id, seqno, group);
            }
        }

        foreach ((_, _, LvmMetadataSection group) in groups)
        {
            AddGroup(disk, group, onDisk, found);
        }
    }

    private static void AddGroup(IBlockSource disk, LvmMetadataSection group, Dictionary<string, LvmPhysicalVolume> onDisk, CandidateList found)
    {
        long extentSectors = group.Integer("extent_size");
        if (extentSectors <= 0 || extentSectors > int.MaxValue)
        {
            throw group.Error("extent_size", group.Value("extent_size")!.Offset, $"extent_size {extentSectors} sectors is not usable");
        }

        var members = new Dictionary<string, Member>(StringComparer.Ordinal);
        foreach (LvmMetadataSection pv in group.RequiredSection("physical_volumes").Sections)
        {
            string uuid = pv.Text("id").Replace("-", string.Empty, StringComparison.Ordinal);
            members[pv.Name] = new Member(pv, uuid, pv.Integer("pe_start"), pv.Integer("pe_count"), onDisk.GetValueOrDefault(uuid));
        }

        LvmMetadataSection? volumes = group.Section("logical_volumes");
        if (volumes is null)
        {
            return;
        }

        foreach (LvmMetadataSection lv in volumes.Sections)
        {
            bool visible = lv.List("status").Any(v => v is LvmMetadataText { Text: "VISIBLE" });
            if (!visible)
            {
                continue;
            }

            try
            {
                AddVolume(disk, group, lv, extentSectors, members, found);
            }
            catch (CorruptImageException e) when (e.Kind == ImageProblem.Unsupported && found.Options.SkipUnsupportedVolumes)
            {
                // The caller asked to boot from whatever else the disk offers.
            }
        }
    }

    private static void AddVolume(IBlockSource disk, LvmMetadataSection group, LvmMetadataSection lv, long extentSectors, Dictionary<string, Member> members, CandidateList found)
    {
        string volumeName = group.Name + "/" + lv.Name;
        IReadOnlyList<LvmMetadataSection> segments = lv.Sections;
        if (segments.Count > found.Options.MaxLvmSegments)
        {
            throw lv.Error("segment_count", lv.Offset, $"logical volume {volumeName} has {segments.Count} segments, more than the limit of {found.Options.MaxLvmSegments}", ImageProblem.LimitExceeded);
        }

        if (segments.Count == 0)
        {
            return;
        }

        var pieces = new List<(long StartExtent, long ExtentCount, BlockExtent Extent, LvmMetadataSection Segment)>();
        foreach (LvmMetadataSection segment in segments)
        {
            string type = segment.Text("type");
            if (type != "striped")
            {
                throw segment.Error("type", segment.Value("type")!.Offset, $"segment type \"{type}\": logical volume {volumeName} is not linear; only linear volumes can be read", ImageProblem.Unsupported);
            }

            long stripeCount = segment.Integer("stripe_count");
            if (stripeCount != 1)
            {
                throw segment.Error("stripe_count", segment.Value("stripe_count")!.Offset, $"stripe_count {stripeCount}: logical volume {volumeName} is striped; only linear volumes can be read", ImageProblem.Unsupported);
            }

            IReadOnlyList<LvmMetadataValue> stripes = segment.List("stripes");
            long stripesOffset = segment.Value("stripes")?.Offset ?? segment.Offset;
            if (stripes.Count != 2 || stripes[0] is not LvmMetadataText { Quoted: true } pvName || stripes[1] is not LvmMetadataText { Quoted: false } startText
                || !long.TryParse(startText.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long startPe))
            {
                throw segment.Error("stripes", stripesOffset, "stripes is not [\"pvN\", first-extent]");
            }

            if (!members.TryGetValue(pvName.Text, out Member? member))
            {
                throw segment.Error("stripes", stripesOffset, $"stripes names physical volume \"{pvName.Text}\", which the volume group does not list");
            }

            if (member.OnDisk is null)
            {
                throw segment.Error(
                    "stripes",
                    stripesOffset,
                    $"stripes place logical volume {volumeName} on physical volume {pvName.Text} ({member.Uuid}), which is not on this disk; volume groups spanning several disks are not supported",
                    ImageProblem.Unsupported);
            }

            long startExtent = segment.Integer("start_extent");
            long extentCount = segment.Integer("extent_count");
            if (extentCount == 0 || startPe > member.PeCount || extentCount > member.PeCount - startPe)
            {
                throw segment.Error("extent_count", segment.Value("extent_count")!.Offset, $"extents {startPe}+{extentCount} lie outside the {member.PeCount} extents of physical volume {pvName.Text}");
            }

            // Int128 keeps the products exact; the result is then checked against the physical volume.
            Int128 offset = member.OnDisk.DiskOffset + ((Int128)member.PeStart * SectorSize) + ((Int128)startPe * extentSectors * SectorSize);
            Int128 length = (Int128)extentCount * extentSectors * SectorSize;
            Int128 end = member.OnDisk.DiskOffset + (Int128)member.OnDisk.Length;
            if (offset + length > end)
            {
                throw segment.Error("extent_count", segment.Value("extent_count")!.Offset, $"extents {startPe}+{extentCount} of physical volume {pvName.Text} end past the {member.OnDisk.Length}-byte volume");
            }

            pieces.Add((startExtent, extentCount, new BlockExtent((long)offset, (long)length), segment));
        }

        pieces.Sort((a, b) => a.StartExtent.CompareTo(b.StartExtent));
        Int128 expected = 0;
        foreach (var piece in pieces)
        {
            if (piece.StartExtent != expected)
            {
                throw piece.Segment.Error("start_extent", piece.Segment.Value("start_extent")!.Offset, $"start_extent {piece.StartExtent}, but the segments of {volumeName} before it end at extent {expected}");
            }

            expected += piece.ExtentCount;
        }

        if (expected * extentSectors * SectorSize > long.MaxValue)
        {
            throw lv.Error("segment_count", lv.Offset, $"logical volume {volumeName} is larger than 2^63 bytes");
        }

        string name = "lvm/" + GrubEscape(group.Name) + "-" + GrubEscape(lv.Name);
        found.Add(new PartitionCandidate
        {
            GrubName = name,
            Source = new ExtentListBlockSource(disk, pieces.ConvertAll(p => p.Extent), found.SourceName(name)),
            Scheme = PartitionScheme.Lvm,
            Offset = pieces[0].Extent.Offset,
            Label = volumeName,
        });
    }

    /// <summary>GRUB (like device-mapper) doubles every dash of a VG or LV name so that the single dash between them is unambiguous.</summary>
    internal static string GrubEscape(string name) => name.Replace("-", "--", StringComparison.Ordinal);

    private sealed record Member(LvmMetadataSection Section, string Uuid, long PeStart, long PeCount, LvmPhysicalVolume? OnDisk);
}
