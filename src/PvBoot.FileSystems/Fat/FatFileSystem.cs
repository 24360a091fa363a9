using System.Buffers.Binary;
using System.Text;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Fat;

/// <summary>
/// A read-only FAT12/FAT16/FAT32 reader: BPB cross-checks, VFAT long names checked against their 8.3 entry,
/// case-insensitive lookup as Linux vfat does, and cluster chains bounded by the file size with loop detection.
/// </summary>
internal sealed class FatFileSystem : FileSystemReaderBase<FatNode>
{
    /// <summary>The structure name used for FAT entries in errors.</summary>
    public const string FatStructure = "FAT";

    /// <summary>The largest directory FAT allows: 65,536 entries of 32 bytes.</summary>
    private const long MaxDirectoryBytes = 65536L * FatDirectoryEntry.Size;

    private const uint EndOfChain = uint.MaxValue;

    private readonly FatBootSector bootSector;
    private readonly int bytesPerSector;
    private readonly int bytesPerCluster;
    private readonly int fatBits;
    private readonly long fatOffset;
    private readonly long fatBytes;
    private readonly long rootDirectoryOffset;
    private readonly long dataOffset;
    private readonly uint clusterCount;
    private readonly FatNode root;
    private readonly string? label;
    private long cachedFatSectorOffset = -1;
    private byte[] cachedFatSector = [];

    private FatFileSystem(IBlockSource source, FileSystemBudgets budgets, FatBootSector bootSector)
        : base(source, budgets)
    {
        this.bootSector = bootSector;
        bytesPerSector = bootSector.BytesPerSector;
        bytesPerCluster = bootSector.BytesPerCluster;
        long totalSectors = bootSector.TotalSectors;
        if (totalSectors * bytesPerSector > source.Length)
        {
            throw BpbError(bootSector.UsesTotalSectors16 ? "BPB_TotSec16" : "BPB_TotSec32",
                bootSector.UsesTotalSectors16 ? FatBootSector.Layout.TotalSectors16 : FatBootSector.Layout.TotalSectors32,
                $"{totalSectors} sectors of {bytesPerSector} bytes do not fit in the {source.Length}-byte source");
        }

        long fatSectors = (long)bootSector.FatCount * bootSector.SectorsPerFat;
        long rootSectors = ((bootSector.RootEntries * (long)FatDirectoryEntry.Size) + bytesPerSector - 1) / bytesPerSector;
        if (bootSector.ReservedSectors + fatSectors >= totalSectors)
        {
            throw BpbError(bootSector.IsFat32 ? "BPB_FATSz32" : "BPB_FATSz16",
                bootSector.IsFat32 ? FatExtendedBpb32.Offset + FatExtendedBpb32.Layout.SectorsPerFat : FatBootSector.Layout.SectorsPerFat16,
                $"{bootSector.FatCount} FATs of {bootSector.SectorsPerFat} sectors end beyond the {totalSectors}-sector volume");
        }

        long firstDataSector = bootSector.ReservedSectors + fatSectors + rootSectors;
        if (firstDataSector >= totalSectors)
        {
            throw BpbError("BPB_RootEntCnt", FatBootSector.Layout.RootEntries,
                $"the root directory of {bootSector.RootEntries} entries leaves no data region in the {totalSectors}-sector volume");
        }

        long clusters = (totalSectors - firstDataSector) / bootSector.SectorsPerCluster;
        fatBits = bootSector.IsFat32 ? 32 : clusters < 4085 ? 12 : 16;
        long fatCapacity = bootSector.SectorsPerFat * (long)bytesPerSector * 8 / fatBits;
        clusters = Math.Min(clusters, Math.Min(fatCapacity - 2, 0x0FFFFFF5L));
        if (clusters < 1)
        {
            throw BpbError("BPB_SecPerClus", FatBootSector.Layout.SectorsPerCluster, "the data region holds no cluster");
        }

        clusterCount = (uint)clusters;
        int activeFat = 0;
        if (bootSector.Bpb32 is { } bpb32)
        {
            if ((bpb32.ExtendedFlags & 0x80) != 0)
            {
                activeFat = bpb32.ExtendedFlags & 0x0F;
                if (activeFat >= bootSector.FatCount)
                {
                    throw BpbError("BPB_ExtFlags", FatExtendedBpb32.Offset + FatExtendedBpb32.Layout.ExtendedFlags,
                        $"active FAT {activeFat} does not exist ({bootSector.FatCount} FATs)");
                }
            }

            if (bpb32.RootCluster >= clusterCount + 2L)
            {
                throw BpbError("BPB_RootClus", FatExtendedBpb32.Offset + FatExtendedBpb32.Layout.RootCluster,
                    $"root cluster {bpb32.RootCluster} is not below {clusterCount + 2L} (cluster count + 2)");
            }
        }

        fatBytes = bootSector.SectorsPerFat * (long)bytesPerSector;
        fatOffset = (bootSector.ReservedSectors + ((long)activeFat * bootSector.SectorsPerFat)) * bytesPerSector;
        rootDirectoryOffset = (bootSector.ReservedSectors + fatSectors) * bytesPerSector;
        dataOffset = firstDataSector * bytesPerSector;
        root = bootSector.Bpb32 is { } b32
            ? new FatNode(true, b32.RootCluster, 0, -1)
            : new FatNode(true, 0, (uint)(rootSectors * bytesPerSector), -1, isFixedRoot: true);
        label = ReadLabel();
    }

    /// <inheritdoc />
    public override string FileSystemType => "fat";

    /// <inheritdoc />
    public override string? Label => label;

    /// <summary>The volume serial as GRUB prints it (<c>%04x-%04x</c>).</summary>
    public override string? Uuid => $"{bootSector.VolumeId >> 16:x4}-{bootSector.VolumeId & 0xFFFF:x4}";

    /// <summary>12, 16 or 32.</summary>
    public int FatBits => fatBits;

    /// <summary>The number of data clusters (valid cluster numbers are 2 to this + 1).</summary>
    public uint ClusterCount => clusterCount;

    /// <summary>Bytes per cluster.</summary>
    public int BytesPerCluster => bytesPerCluster;

    /// <inheritdoc />
    protected override FatNode RootNode => root;

    /// <inheritdoc />
    protected override bool CaseInsensitiveNames => true;

    /// <summary>Whether <paramref name="source"/> starts with a plausible FAT boot sector (jump, BPB sanity).</summary>
    /// <param name="source">The candidate.</param>
    /// <returns><see langword="true"/> if it looks like FAT.</returns>
    public static bool Matches(IBlockSource source)
    {
        if (source.Length < FatBootSector.Size)
        {
            return false;
        }

        Span<byte> sector = stackalloc byte[FatBootSector.Size];
        source.ReadExactly(0, sector);
        if (!((sector[0] == 0xEB && sector[2] == 0x90) || sector[0] == 0xE9))
        {
            return false;
        }

        try
        {
            FatBootSector.Parse(sector, 0, source.Name);
            return true;
        }
        catch (CorruptImageException)
        {
            return false;
        }
    }

    /// <summary>Opens and validates a FAT volume.</summary>
    /// <param name="source">The partition.</param>
    /// <param name="budgets">The limits.</param>
    /// <returns>The reader.</returns>
    public static FatFileSystem Open(IBlockSource source, FileSystemBudgets budgets)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] sector = new byte[FatBootSector.Size];
        source.ReadStructure(0, sector, FatBootSector.StructureName);
        return new FatFileSystem(source, budgets, FatBootSector.Parse(sector, 0, source.Name));
    }

    /// <summary>The absolute offset of the FAT entry of <paramref name="cluster"/> in the active FAT.</summary>
    /// <param name="cluster">A cluster number.</param>
    /// <returns>The byte offset.</returns>
    public long FatEntryOffset(uint cluster) => fatOffset + (fatBits == 12 ? cluster * 3L / 2 : cluster * (long)(fatBits / 8));

    /// <summary>The absolute offset of the first byte of <paramref name="cluster"/>.</summary>
    /// <param name="cluster">A cluster number (2 or more).</param>
    /// <returns>The byte offset.</returns>
    public long ClusterOffset(uint cluster) => dataOffset + ((cluster - 2L) * bytesPerCluster);

    /// <inheritdoc />
    protected override FatNode? LookupChild(FatNode directory, ReadOnlySpan<byte> name)
    {
        FatNode? found = null;
        byte[] wanted = name.ToArray();
        ForEachEntry(directory, (longName, entry, offset) =>
        {
            if ((longName is not null && NamesEqual(longName, wanted)) || NamesEqual(entry.DisplayName, wanted))
            {
                found = NodeFor(entry, offset);
                return false;
            }

            return true;
        });
        return found;
    }

    /// <inheritdoc />
    protected override FileSystemEntryType TypeOf(FatNode node)
        => node.IsDirectory ? FileSystemEntryType.Directory : FileSystemEntryType.Regular;

    /// <inheritdoc />
    protected override long SizeOf(FatNode node) => node.IsDirectory ? 0 : node.Size;

    /// <inheritdoc />
    protected override byte[] ReadSymlink(FatNode node)
        => throw new InvalidOperationException("FAT has no symbolic links.");

    /// <inheritdoc />
    protected override void EnumerateDirectory(FatNode directory, List<DirectoryListing> into)
        => ForEachEntry(directory, (longName, entry, _) =>
        {
            into.Add(new DirectoryListing(longName ?? entry.DisplayName,
                entry.IsDirectory ? FileSystemEntryType.Directory : FileSystemEntryType.Regular));
            return true;
        });

    /// <inheritdoc />
    protected override (string Structure, string Field, long Offset) SizeFieldOf(FatNode node)
        => (FatDirectoryEntry.StructureName, "size", node.EntryOffset < 0 ? -1 : node.EntryOffset + FatDirectoryEntry.Layout.FileSize);

    /// <inheritdoc />
    protected override (string Structure, string Field, long Offset) TypeFieldOf(FatNode node)
        => (FatDirectoryEntry.StructureName, "attr", node.EntryOffset < 0 ? -1 : node.EntryOffset + FatDirectoryEntry.Layout.Attributes);

    /// <inheritdoc />
    protected override void ReadFileData(FatNode file, long offset, Span<byte> destination)
    {
        EnsureChainValidated(file);
        long index = offset / bytesPerCluster;
        long skip = offset % bytesPerCluster;
        if (index < file.CursorIndex || file.CursorCluster == 0)
        {
            file.CursorIndex = 0;
            file.CursorCluster = file.FirstCluster;
        }

        uint cluster = file.CursorCluster;
        long position = file.CursorIndex;
        while (position < index)
        {
            cluster = NextInChain(cluster);
            position++;
        }

        int done = 0;
        uint runStart = cluster;
        long runCount = 1;
        while (true)
        {
            long runBytes = (runCount * bytesPerCluster) - skip;
            if (runBytes >= destination.Length - done)
            {
                Source.ReadStructure(ClusterOffset(runStart) + skip, destination[done..], "cluster");
                break;
            }

            uint next = NextInChain(cluster);
            cluster = next;
            position++;
            if (next == runStart + runCount)
            {
                runCount++;
                continue;
            }

            Source.ReadStructure(ClusterOffset(runStart) + skip, destination.Slice(done, (int)runBytes), "cluster");
            done += (int)runBytes;
            runStart = next;
            runCount = 1;
            skip = 0;
        }

        file.CursorIndex = position;
        file.CursorCluster = cluster;
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;

    private CorruptImageException BpbError(string field, int offset, string problem)
        => new(Source.Name, FatBootSector.StructureName, field, offset, problem);

    private FatNode NodeFor(FatDirectoryEntry entry, long offset)
    {
        if (entry.IsDirectory && entry.FirstCluster == 0)
        {
            // A ".." pointing at the root stores 0; a real subdirectory never does.
            throw new CorruptImageException(Source.Name, FatDirectoryEntry.StructureName, "start", offset + FatDirectoryEntry.Layout.Start,
                "a directory starts at cluster 0");
        }

        return new FatNode(entry.IsDirectory, entry.FirstCluster, entry.IsDirectory ? 0 : entry.FileSize, offset);
    }

    private string? ReadLabel()
    {
        string? found = null;
        ForEachEntry(root, (_, _, _) => true, (volumeEntry) =>
        {
            found = Encoding.Latin1.GetString(volumeEntry.ShortName).TrimEnd(' ');
            return false;
        });
        if (found is null && (bootSector.Bpb32?.Label ?? bootSector.Bpb16?.Label) is { Length: 11 } bpbLabel)
        {
            string text = Encoding.Latin1.GetString(bpbLabel).TrimEnd(' ');
            found = text is "NO NAME" or "" ? null : text;
        }

        return string.IsNullOrEmpty(found) ? null : found;
    }

    /// <summary>
    /// Walks a directory's entries, assembling VFAT long names; calls <paramref name="visit"/> with the long name (or
    /// <see langword="null"/> when there is none or its checksum does not match the 8.3 entry), the 8.3 entry and its
    /// offset, for every entry except deleted ones, volume labels, <c>.</c> and <c>..</c>. Stops when it returns false.
    /// </summary>
    private void ForEachEntry(FatNode directory, Func<byte[]?, FatDirectoryEntry, long, bool> visit, Func<FatDirectoryEntry, bool>? volumeLabel = null)
    {
        var slots = new char[20 * FatLongNameEntry.CharactersPerSlot];
        int expected = 0;
        int total = 0;
        byte checksum = 0;
        foreach (long sectorOffset in DirectorySectors(directory))
        {
            byte[] sector = ReadMetadata(sectorOffset, bytesPerSector, "directory");
            for (int i = 0; i + FatDirectoryEntry.Size <= sector.Length; i += FatDirectoryEntry.Size)
            {
                long offset = sectorOffset + i;
                Meter.ChargeDirectoryEntry(FatDirectoryEntry.StructureName, offset);
                ReadOnlySpan<byte> raw = sector.AsSpan(i, FatDirectoryEntry.Size);
                if (raw[0] == 0)
                {
                    return;
                }

                if (raw[0] == FatDirectoryEntry.Deleted)
                {
                    expected = 0;
                    continue;
                }

                if (raw[FatDirectoryEntry.Layout.Attributes] == FatDirectoryEntry.AttributeLongName)
                {
                    FatLongNameEntry slot = FatLongNameEntry.Parse(raw, offset, Source.Name);
                    if (slot.IsLast && slot.Sequence is >= 1 and <= 20)
                    {
                        total = slot.Sequence;
                        expected = total;
                        checksum = slot.Checksum;
                    }
                    else if (expected <= 1 || slot.IsLast || slot.Sequence != expected - 1 || slot.Checksum != checksum)
                    {
                        expected = 0;
                        continue;
                    }
                    else
                    {
                        expected--;
                    }

                    slot.Characters.CopyTo(slots, (expected - 1) * FatLongNameEntry.CharactersPerSlot);
                    continue;
                }

                FatDirectoryEntry entry = FatDirectoryEntry.Parse(raw, offset, Source.Name);
                byte[]? longName = expected == 1 && entry.NameChecksum == checksum ? LongName(slots, total) : null;
                expected = 0;
                if ((entry.Attributes & FatDirectoryEntry.AttributeVolume) != 0)
                {
                    if (volumeLabel is not null && entry.Attributes == FatDirectoryEntry.AttributeVolume && !volumeLabel(entry))
                    {
                        return;
                    }

                    continue;
                }

                if (entry.IsDotEntry)
                {
                    continue;
                }

                if (!visit(longName, entry, offset))
                {
                    return;
                }
            }
        }
    }

    private static byte[]? LongName(char[] slots, int slotCount)
    {
        int length = 0;
        int capacity = slotCount * FatLongNameEntry.CharactersPerSlot;
        while (length < capacity && slots[length] != '\0')
        {
            length++;
        }

        if (length == 0 || length > 255)
        {
            return null;
        }

        var text = new string(slots, 0, length);
        if (text.Contains('/', StringComparison.Ordinal) || text is "." or "..")
        {
            return null;
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private IEnumerable<long> DirectorySectors(FatNode directory)
    {
        if (directory.IsFixedRoot)
        {
            for (long offset = 0; offset < directory.Size; offset += bytesPerSector)
            {
                yield return rootDirectoryOffset + offset;
            }

            yield break;
        }

        uint cluster = CheckFirstCluster(directory);
        var chain = new ChainGuard(this, cluster, CeilDiv(MaxDirectoryBytes, bytesPerCluster) + 1, "a directory may hold at most 65,536 entries");
        while (true)
        {
            long start = ClusterOffset(cluster);
            for (int s = 0; s < bootSector.SectorsPerCluster; s++)
            {
                yield return start + ((long)s * bytesPerSector);
            }

            uint next = NextCluster(cluster);
            if (next == EndOfChain)
            {
                yield break;
            }

            chain.Follow(cluster, next);
            cluster = next;
        }
    }

    private uint CheckFirstCluster(FatNode node)
    {
        uint cluster = node.FirstCluster;
        if (cluster < 2 || cluster >= clusterCount + 2L)
        {
            if (node.EntryOffset < 0)
            {
                throw BpbError("BPB_RootClus", FatExtendedBpb32.Offset + FatExtendedBpb32.Layout.RootCluster, $"root cluster {cluster} is out of range");
            }

            throw new CorruptImageException(Source.Name, FatDirectoryEntry.StructureName, "start", node.EntryOffset + FatDirectoryEntry.Layout.Start,
                $"first cluster {cluster} is not in 2..{clusterCount + 1L}");
        }

        return cluster;
    }

    /// <summary>An error at the FAT entry of <paramref name="cluster"/>.</summary>
    private CorruptImageException ChainError(uint cluster, string problem) =>
        new(Source.Name, FatStructure, $"entry {cluster}", FatEntryOffset(cluster), problem);

    private void EnsureChainValidated(FatNode file)
    {
        if (file.ValidatedClusters >= 0)
        {
            return;
        }

        long needed = CeilDiv(file.Size, bytesPerCluster);
        uint cluster = CheckFirstCluster(file);
        var chain = new ChainGuard(this, cluster, needed + 1, $"the size of {file.Size} bytes needs {needed}");
        while (true)
        {
            uint next = NextCluster(cluster);
            if (next == EndOfChain)
            {
                break;
            }

            chain.Follow(cluster, next);
            cluster = next;
        }

        if (chain.Count < needed)
        {
            throw ChainError(cluster, $"the cluster chain ends after {chain.Count} clusters but the size of {file.Size} bytes needs {needed}");
        }

        file.ValidatedClusters = chain.Count;
        file.CursorIndex = 0;
        file.CursorCluster = file.FirstCluster;
    }

    private uint NextInChain(uint cluster)
    {
        uint next = NextCluster(cluster);
        if (next == EndOfChain)
        {
            throw ChainError(cluster, "the cluster chain ended early (changed since it was checked?)");
        }

        return next;
    }

    /// <summary>Reads the FAT entry of <paramref name="cluster"/>: the next cluster, or <see cref="EndOfChain"/>.</summary>
    private uint NextCluster(uint cluster)
    {
        long offset = FatEntryOffset(cluster);
        long relative = offset - fatOffset;
        int width = fatBits == 32 ? 4 : 2;
        if (relative + width > fatBytes)
        {
            throw new CorruptImageException(Source.Name, FatStructure, $"entry {cluster}", offset, "the entry lies beyond the FAT");
        }

        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < width; i++)
        {
            bytes[i] = FatByte(offset + i);
        }

        uint raw = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        uint value;
        uint bad;
        switch (fatBits)
        {
            case 12:
                value = (cluster & 1) != 0 ? (raw & 0xFFFF) >> 4 : raw & 0xFFF;
                bad = 0xFF7;
                break;
            case 16:
                value = raw & 0xFFFF;
                bad = 0xFFF7;
                break;
            default:
                value = raw & 0x0FFFFFFF;
                bad = 0x0FFFFFF7;
                break;
        }

        if (value > bad)
        {
            return EndOfChain;
        }

        if (value == bad)
        {
            throw new CorruptImageException(Source.Name, FatStructure, $"entry {cluster}", offset, "the chain runs into a cluster marked bad");
        }

        if (value < 2)
        {
            throw new CorruptImageException(Source.Name, FatStructure, $"entry {cluster}", offset,
                value == 0 ? "the chain runs into a free cluster" : "the chain runs into reserved cluster 1");
        }

        if (value >= clusterCount + 2L)
        {
            throw new CorruptImageException(Source.Name, FatStructure, $"entry {cluster}", offset,
                $"next cluster {value} is not below {clusterCount + 2L} (cluster count + 2)");
        }

        return value;
    }

    private byte FatByte(long offset)
    {
        long sectorOffset = offset - ((offset - fatOffset) % bytesPerSector);
        if (sectorOffset != cachedFatSectorOffset)
        {
            cachedFatSector = ReadMetadata(sectorOffset, bytesPerSector, FatStructure);
            cachedFatSectorOffset = sectorOffset;
        }

        return cachedFatSector[offset - sectorOffset];
    }

    /// <summary>
    /// The checks on following a cluster chain link by link: a cap on its length, and Brent's cycle detection (a
    /// saved cluster, moved forward at each power of two), which finds a loop with no memory beyond one cluster.
    /// </summary>
    private sealed class ChainGuard(FatFileSystem fs, uint first, long cap, string why)
    {
        private uint saved = first;
        private int power = 1;
        private int lambda;

        /// <summary>The clusters followed so far, the first included.</summary>
        public long Count { get; private set; } = 1;

        /// <summary>Checks the link from <paramref name="cluster"/> to <paramref name="next"/> before the walk takes it.</summary>
        public void Follow(uint cluster, uint next)
        {
            if (next == saved)
            {
                throw fs.ChainError(cluster, $"the cluster chain loops back to cluster {next}");
            }

            if (++Count > cap)
            {
                throw fs.ChainError(cluster, $"the cluster chain is longer than {cap} clusters ({why}; a loop?)");
            }

            if (++lambda == power)
            {
                saved = next;
                power <<= 1;
                lambda = 0;
            }
        }
    }
}
