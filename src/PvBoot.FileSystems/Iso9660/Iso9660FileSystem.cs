using System.Buffers.Binary;
using System.Text;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>
/// A read-only ISO9660 reader with Rock Ridge (SUSP <c>SP</c>/<c>CE</c>/<c>NM</c>/<c>SL</c>/<c>PX</c>/<c>CL</c>/<c>RE</c>)
/// and Joliet. As GRUB and Linux do, Rock Ridge names win; the Joliet tree is used only when the primary tree has no
/// Rock Ridge. Multi-extent files, directories of several sectors and hybrid images (the ISO at offset 0 of a
/// partitioned disk) are read; CE chains are capped in hops and bytes.
/// </summary>
internal sealed class Iso9660FileSystem : FileSystemReaderBase<IsoNode>
{
    /// <summary>The logical block size this reader supports.</summary>
    public const int BlockSize = 2048;

    /// <summary>The sector of the first volume descriptor.</summary>
    public const int FirstDescriptorSector = 16;

    /// <summary>Continuation areas followed for one record.</summary>
    public const int MaxContinuationHops = 16;

    /// <summary>System use bytes (record area plus continuation areas) accepted for one record.</summary>
    public const int MaxSystemUseBytes = 64 * 1024;

    /// <summary>Extents accepted for one multi-extent file.</summary>
    public const int MaxExtentsPerFile = 4096;

    private const int MaxDescriptors = 64;

    private readonly IsoPrimaryVolumeDescriptor descriptor;
    private readonly long volumeBytes;
    private readonly bool joliet;
    private readonly bool rockRidge;
    private readonly int suspSkip;
    private readonly IsoNode root;

    private Iso9660FileSystem(IBlockSource source, FileSystemBudgets budgets, IsoPrimaryVolumeDescriptor primary, long primaryOffset,
        IsoPrimaryVolumeDescriptor? supplementary, long supplementaryOffset)
        : base(source, budgets)
    {
        volumeBytes = primary.VolumeSpaceSize * (long)BlockSize;
        if (volumeBytes > source.Length)
        {
            throw new CorruptImageException(source.Name, IsoPrimaryVolumeDescriptor.StructureName, "volume_space_size",
                primaryOffset + IsoPrimaryVolumeDescriptor.Layout.VolumeSpaceSize,
                $"{primary.VolumeSpaceSize} blocks do not fit in the {source.Length}-byte source");
        }

        IsoNode primaryRoot = RootFrom(primary, primaryOffset);
        (rockRidge, suspSkip) = DetectRockRidge(primaryRoot);
        if (!rockRidge && supplementary is { } svd)
        {
            joliet = true;
            descriptor = svd;
            root = RootFrom(svd, supplementaryOffset);
        }
        else
        {
            descriptor = primary;
            root = primaryRoot;
        }
    }

    /// <inheritdoc />
    public override string FileSystemType => "iso9660";

    /// <summary>The volume id (from the Joliet descriptor when its tree is used).</summary>
    public override string? Label
    {
        get
        {
            string text = joliet ? Encoding.BigEndianUnicode.GetString(descriptor.VolumeId) : Encoding.Latin1.GetString(descriptor.VolumeId);
            text = text.TrimEnd(' ', '\0');
            return text.Length == 0 ? null : text;
        }
    }

    /// <summary>The UUID GRUB derives from the modification date: <c>YYYY-MM-DD-hh-mm-ss-cc</c>.</summary>
    public override string? Uuid
    {
        get
        {
            ReadOnlySpan<byte> d = descriptor.ModificationDate;
            for (int i = 0; i < 16; i++)
            {
                if (d[i] is < (byte)'0' or > (byte)'9')
                {
                    return null;
                }
            }

            string s = Encoding.ASCII.GetString(d[..16]);
            return $"{s[..4]}-{s[4..6]}-{s[6..8]}-{s[8..10]}-{s[10..12]}-{s[12..14]}-{s[14..16]}";
        }
    }

    /// <summary>Whether the tree in use carries Rock Ridge entries.</summary>
    public bool HasRockRidge => rockRidge;

    /// <summary>Whether the Joliet tree is in use.</summary>
    public bool IsJoliet => joliet;

    /// <inheritdoc />
    protected override IsoNode RootNode => root;

    /// <summary>Without Rock Ridge, names compare case-insensitively, as GRUB and Linux (<c>check=relaxed</c>) do.</summary>
    protected override bool CaseInsensitiveNames => !rockRidge;

    /// <summary>Whether <paramref name="source"/> has an ISO9660 volume descriptor at sector 16.</summary>
    /// <param name="source">The candidate.</param>
    /// <returns><see langword="true"/> if the <c>CD001</c> identifier is there.</returns>
    public static bool Matches(IBlockSource source)
    {
        long offset = FirstDescriptorSector * (long)BlockSize;
        if (source.Length < offset + BlockSize)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[8];
        source.ReadExactly(offset, head);
        return IsoPrimaryVolumeDescriptor.HasIdentifier(head);
    }

    /// <summary>Opens and validates an ISO9660 volume.</summary>
    /// <param name="source">The image or partition.</param>
    /// <param name="budgets">The limits.</param>
    /// <returns>The reader.</returns>
    public static Iso9660FileSystem Open(IBlockSource source, FileSystemBudgets budgets)
    {
        ArgumentNullException.ThrowIfNull(source);
        IsoPrimaryVolumeDescriptor? primary = null;
        IsoPrimaryVolumeDescriptor? supplementary = null;
        long primaryOffset = -1;
        long supplementaryOffset = -1;
        byte[] sector = new byte[BlockSize];
        for (int i = 0; ; i++)
        {
            long offset = (FirstDescriptorSector + (long)i) * BlockSize;
            if (i == MaxDescriptors)
            {
                throw new CorruptImageException(source.Name, IsoPrimaryVolumeDescriptor.StructureName, "type", offset,
                    $"no set terminator within {MaxDescriptors} volume descriptors");
            }

            source.ReadStructure(offset, sector, IsoPrimaryVolumeDescriptor.StructureName);
            IsoPrimaryVolumeDescriptor vd = IsoPrimaryVolumeDescriptor.Parse(sector, offset, source.Name);
            if (vd.Type == IsoPrimaryVolumeDescriptor.TypePrimary && primary is null)
            {
                primary = vd;
                primaryOffset = offset;
            }
            else if (vd.IsJoliet && supplementary is null)
            {
                supplementary = vd;
                supplementaryOffset = offset;
            }
            else if (vd.Type == IsoPrimaryVolumeDescriptor.TypeTerminator)
            {
                break;
            }
        }

        if (primary is not { } pvd)
        {
            throw new CorruptImageException(source.Name, IsoPrimaryVolumeDescriptor.StructureName, "type",
                FirstDescriptorSector * (long)BlockSize, "the descriptor set has no primary volume descriptor");
        }

        return new Iso9660FileSystem(source, budgets, pvd, primaryOffset, supplementary, supplementaryOffset);
    }

    /// <inheritdoc />
    protected override IsoNode? LookupChild(IsoNode directory, ReadOnlySpan<byte> name)
    {
        IsoNode? found = null;
        byte[] wanted = name.ToArray();
        ForEachChild(directory, (childName, node) =>
        {
            if (NamesEqual(childName, wanted))
            {
                found = node;
                return false;
            }

            return true;
        });
        return found;
    }

    /// <inheritdoc />
    protected override FileSystemEntryType TypeOf(IsoNode node) => node.Type;

    /// <inheritdoc />
    protected override long SizeOf(IsoNode node) => node.Size;

    /// <inheritdoc />
    protected override byte[] ReadSymlink(IsoNode node) => node.SymlinkTarget ?? [];

    /// <inheritdoc />
    protected override void EnumerateDirectory(IsoNode directory, List<DirectoryListing> into)
        => ForEachChild(directory, (name, node) =>
        {
            into.Add(new DirectoryListing(name, node.Type));
            return true;
        });

    /// <inheritdoc />
    protected override (string Structure, string Field, long Offset) SizeFieldOf(IsoNode node)
        => node.Type == FileSystemEntryType.Symlink
            ? (RrSl.StructureName, "component", node.RecordOffset)
            : (IsoDirectoryRecord.StructureName, "size", node.RecordOffset + IsoDirectoryRecord.Layout.Size);

    /// <inheritdoc />
    protected override (string Structure, string Field, long Offset) TypeFieldOf(IsoNode node)
        => node.PosixOffset >= 0
            ? (RrPx.StructureName, "st_mode", node.PosixOffset + RrPx.Layout.Mode)
            : (IsoDirectoryRecord.StructureName, "flags", node.RecordOffset + IsoDirectoryRecord.Layout.Flags);

    /// <inheritdoc />
    protected override void ReadFileData(IsoNode file, long offset, Span<byte> destination)
    {
        long extentStart = 0;
        int done = 0;
        foreach ((long start, long length) in file.Extents)
        {
            if (done == destination.Length)
            {
                break;
            }

            long position = offset + done;
            if (position < extentStart + length)
            {
                long within = position - extentStart;
                int count = (int)Math.Min(destination.Length - done, length - within);
                Source.ReadStructure(start + within, destination.Slice(done, count), "file extent");
                done += count;
            }

            extentStart += length;
        }

        if (done != destination.Length)
        {
            throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "size", file.RecordOffset + IsoDirectoryRecord.Layout.Size,
                "the extents end before the file size");
        }
    }

    private static string DescribeSignature(ushort signature) => $"{(char)(signature >> 8)}{(char)(signature & 0xFF)}";

    private IsoNode RootFrom(IsoPrimaryVolumeDescriptor vd, long descriptorOffset)
    {
        long recordOffset = descriptorOffset + IsoPrimaryVolumeDescriptor.Layout.RootDirectoryRecord;
        IsoDirectoryRecord record = IsoDirectoryRecord.Parse(vd.RootRecord, recordOffset, Source.Name);
        if (!record.IsDirectory)
        {
            throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "flags", recordOffset + IsoDirectoryRecord.Layout.Flags,
                "the root directory record is not a directory");
        }

        return DirectoryNode(record, recordOffset);
    }

    private IsoNode DirectoryNode(IsoDirectoryRecord record, long recordOffset)
    {
        if (record.DataLength % BlockSize != 0 || record.DataLength == 0)
        {
            throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "size", recordOffset + IsoDirectoryRecord.Layout.Size,
                $"a directory size of {record.DataLength} bytes is not a positive multiple of {BlockSize}");
        }

        return new IsoNode(FileSystemEntryType.Directory, [CheckedExtent(record, recordOffset)], record.DataLength, recordOffset, null);
    }

    private (long Offset, long Length) CheckedExtent(IsoDirectoryRecord record, long recordOffset)
    {
        long start = record.Extent * (long)BlockSize;
        if (record.DataLength > 0 && (start >= volumeBytes || record.DataLength > volumeBytes - start))
        {
            throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "extent", recordOffset + IsoDirectoryRecord.Layout.Extent,
                $"an extent of {record.DataLength} bytes at block {record.Extent} ends beyond the {volumeBytes}-byte volume");
        }

        return (start, record.DataLength);
    }

    private (bool RockRidge, int Skip) DetectRockRidge(IsoNode rootNode)
    {
        long offset = rootNode.Extents[0].Offset;
        byte[] sector = ReadMetadata(offset, BlockSize, "directory");
        IsoDirectoryRecord dot = IsoDirectoryRecord.Parse(sector, offset, Source.Name);
        ReadOnlySpan<byte> area = sector.AsSpan(dot.SystemUseOffset, dot.Length - dot.SystemUseOffset);
        return SuspEntry.IsSharingProtocolIndicator(area, out int skip) ? (true, skip) : (false, 0);
    }

    /// <summary>Walks a directory's records, joining multi-extent files; stops when <paramref name="visit"/> returns false.</summary>
    private void ForEachChild(IsoNode directory, Func<byte[], IsoNode, bool> visit)
    {
        (long start, long size) = directory.Extents[0];
        List<(long Offset, long Length)>? pending = null;
        RecordInfo pendingInfo = new();
        long pendingOffset = 0;
        for (long s = 0; s < size; s += BlockSize)
        {
            long sectorOffset = start + s;
            byte[] sector = ReadMetadata(sectorOffset, BlockSize, "directory");
            int position = 0;
            while (position < BlockSize && sector[position] != 0)
            {
                long offset = sectorOffset + position;
                Meter.ChargeDirectoryEntry(IsoDirectoryRecord.StructureName, offset);
                ReadOnlySpan<byte> span = sector.AsSpan(position);
                IsoDirectoryRecord record = IsoDirectoryRecord.Parse(span, offset, Source.Name);
                position += record.Length;
                if (record.IsDotOrDotDot && pending is null)
                {
                    continue;
                }

                if (record.FileUnitSize != 0 || span[IsoDirectoryRecord.Layout.Interleave] != 0)
                {
                    throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "file_unit_size",
                        offset + IsoDirectoryRecord.Layout.FileUnitSize, "interleaved files are not supported", ImageProblem.Unsupported);
                }

                if (pending is null && !record.IsMultiExtent)
                {
                    RecordInfo info = Describe(record, span[..record.Length], offset);
                    if (info.Hidden)
                    {
                        continue;
                    }

                    if (!visit(info.Name, NodeFor(record, offset, info, null)))
                    {
                        return;
                    }

                    continue;
                }

                if (record.IsDirectory)
                {
                    throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "flags", offset + IsoDirectoryRecord.Layout.Flags,
                        "a directory cannot be a multi-extent file");
                }

                if (pending is null)
                {
                    pending = [];
                    pendingInfo = Describe(record, span[..record.Length], offset);
                    pendingOffset = offset;
                }

                if (pending.Count >= MaxExtentsPerFile)
                {
                    throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "flags", offset + IsoDirectoryRecord.Layout.Flags,
                        $"a multi-extent file has more than {MaxExtentsPerFile} extents", ImageProblem.LimitExceeded);
                }

                pending.Add(CheckedExtent(record, offset));
                if (record.IsMultiExtent)
                {
                    continue;
                }

                List<(long Offset, long Length)> extents = pending;
                pending = null;
                if (pendingInfo.Hidden)
                {
                    continue;
                }

                if (!visit(pendingInfo.Name, NodeFor(record, pendingOffset, pendingInfo, extents)))
                {
                    return;
                }
            }
        }

        if (pending is not null)
        {
            throw new CorruptImageException(Source.Name, IsoDirectoryRecord.StructureName, "flags", pendingOffset + IsoDirectoryRecord.Layout.Flags,
                "a multi-extent file has no final record in its directory");
        }
    }

    private IsoNode NodeFor(IsoDirectoryRecord record, long offset, RecordInfo info, List<(long Offset, long Length)>? extents)
    {
        if (info.ChildLink is { } childBlock)
        {
            return RelocatedDirectory(childBlock, info.ChildLinkOffset);
        }

        FileSystemEntryType pxType = info.PosixType ?? FileSystemEntryType.Unknown;
        if (record.IsDirectory)
        {
            if (pxType is not (FileSystemEntryType.Unknown or FileSystemEntryType.Directory))
            {
                throw new CorruptImageException(Source.Name, RrPx.StructureName, "st_mode", info.PosixOffset + RrPx.Layout.Mode,
                    $"the mode says {pxType} but the record is a directory");
            }

            IsoNode directory = DirectoryNode(record, offset);
            return info.PosixType is null ? directory
                : new IsoNode(directory.Type, directory.Extents, directory.Size, offset, null) { PosixOffset = info.PosixOffset };
        }

        if (pxType == FileSystemEntryType.Directory)
        {
            throw new CorruptImageException(Source.Name, RrPx.StructureName, "st_mode", info.PosixOffset + RrPx.Layout.Mode,
                "the mode says directory but the record is not one");
        }

        FileSystemEntryType type = pxType == FileSystemEntryType.Unknown ? FileSystemEntryType.Regular : pxType;
        if (type == FileSystemEntryType.Symlink)
        {
            if (info.SymlinkTarget is not { Length: > 0 } target)
            {
                throw new CorruptImageException(Source.Name, RrSl.StructureName, "component", info.PosixOffset,
                    "a symbolic link has no SL target");
            }

            return new IsoNode(type, [], target.Length, offset, target) { PosixOffset = info.PosixOffset };
        }

        extents ??= [CheckedExtent(record, offset)];
        long size = 0;
        foreach ((_, long length) in extents)
        {
            size += length;
        }

        long posixOffset = info.PosixType is null ? -1 : info.PosixOffset;
        return type == FileSystemEntryType.Regular
            ? new IsoNode(type, extents, size, offset, null) { PosixOffset = posixOffset }
            : new IsoNode(type, [], 0, offset, null) { PosixOffset = posixOffset };
    }

    private IsoNode RelocatedDirectory(uint block, long entryOffset)
    {
        long offset = block * (long)BlockSize;
        if (offset >= volumeBytes)
        {
            throw new CorruptImageException(Source.Name, "rr_cl", "location", entryOffset + 4,
                $"child link block {block} lies beyond the volume");
        }

        byte[] sector = ReadMetadata(offset, BlockSize, "directory");
        IsoDirectoryRecord dot = IsoDirectoryRecord.Parse(sector, offset, Source.Name);
        if (!dot.IsDirectory || dot.Extent != block)
        {
            throw new CorruptImageException(Source.Name, "rr_cl", "location", entryOffset + 4,
                $"child link block {block} does not start a directory");
        }

        return DirectoryNode(dot, offset);
    }

    /// <summary>Reads a record's name and its Rock Ridge attributes, following CE continuation areas within the caps.</summary>
    private RecordInfo Describe(IsoDirectoryRecord record, ReadOnlySpan<byte> recordBytes, long recordOffset)
    {
        var info = new RecordInfo { Name = BaseName(record) };
        if (!rockRidge)
        {
            return info;
        }

        int areaStart = record.SystemUseOffset + suspSkip;
        if (areaStart >= record.Length)
        {
            return info;
        }

        byte[] area = recordBytes[areaStart..].ToArray();
        long areaOffset = recordOffset + areaStart;
        List<byte>? name = null;
        bool nameDone = false;
        RrSl.SymlinkBuilder? link = null;
        bool linkDone = false;
        var visited = new HashSet<long> { areaOffset };
        int hops = 0;
        long total = 0;
        while (true)
        {
            total += area.Length;
            if (total > MaxSystemUseBytes)
            {
                throw new CorruptImageException(Source.Name, SuspCe.StructureName, "length", areaOffset,
                    $"more than {MaxSystemUseBytes} bytes of system use data for one record", ImageProblem.LimitExceeded);
            }

            SuspCe? continuation = null;
            long continuationEntry = 0;
            int position = 0;
            while (area.Length - position >= SuspEntry.HeaderSize)
            {
                long entryOffset = areaOffset + position;
                SuspEntry entry = SuspEntry.Parse(area.AsSpan(position), entryOffset, Source.Name);
                ReadOnlySpan<byte> data = area.AsSpan(position, entry.Length);
                position += entry.Length;
                ushort sig = entry.Signature;
                if (sig == SuspEntry.Sig('S', 'T'))
                {
                    break;
                }

                if (sig == SuspEntry.Sig('C', 'E'))
                {
                    continuation = SuspCe.Parse(data, entryOffset, Source.Name);
                    continuationEntry = entryOffset;
                }
                else if (sig == SuspEntry.Sig('N', 'M'))
                {
                    RrNm nm = RrNm.Parse(data, entryOffset, Source.Name);
                    if ((nm.Flags & (RrNm.FlagCurrent | RrNm.FlagParent)) != 0)
                    {
                        info.Hidden = true;
                    }
                    else if (!nameDone)
                    {
                        name ??= [];
                        name.AddRange(nm.Content);
                        if (name.Count > 255)
                        {
                            throw new CorruptImageException(Source.Name, RrNm.StructureName, "LEN", entryOffset + SuspEntry.Layout.Length,
                                "an alternate name is longer than 255 bytes");
                        }

                        nameDone = (nm.Flags & RrNm.FlagContinue) == 0;
                    }
                }
                else if (sig == SuspEntry.Sig('S', 'L'))
                {
                    if (!linkDone)
                    {
                        link ??= new RrSl.SymlinkBuilder();
                        RrSl.Parse(data, entryOffset, Source.Name, link, Budgets.MaxPathBytes);
                        linkDone = (data[RrSl.Layout.Flags] & 0x01) == 0;
                    }
                }
                else if (sig == SuspEntry.Sig('P', 'X'))
                {
                    info.PosixType = RrPx.Parse(data, entryOffset, Source.Name).Type;
                    info.PosixOffset = entryOffset;
                }
                else if (sig == SuspEntry.Sig('R', 'E'))
                {
                    info.Hidden = true;
                }
                else if (sig == SuspEntry.Sig('C', 'L'))
                {
                    if (entry.Length < 12)
                    {
                        throw new CorruptImageException(Source.Name, "rr_cl", "LEN", entryOffset + SuspEntry.Layout.Length,
                            $"a CL entry of {entry.Length} bytes is shorter than 12");
                    }

                    info.ChildLink = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                    info.ChildLinkOffset = entryOffset;
                }
            }

            if (continuation is not { } ce)
            {
                break;
            }

            if (++hops > MaxContinuationHops)
            {
                throw new CorruptImageException(Source.Name, SuspCe.StructureName, "block", continuationEntry + SuspCe.Layout.Block,
                    $"more than {MaxContinuationHops} continuation areas for one record", ImageProblem.LimitExceeded);
            }

            long blockOffset = ce.Block * (long)BlockSize;
            long target = blockOffset + ce.Offset;
            if (blockOffset >= volumeBytes || blockOffset + BlockSize > Source.Length)
            {
                throw new CorruptImageException(Source.Name, SuspCe.StructureName, "block", continuationEntry + SuspCe.Layout.Block,
                    $"continuation block {ce.Block} lies outside the volume");
            }

            if (!visited.Add(target))
            {
                throw new CorruptImageException(Source.Name, SuspCe.StructureName, "block", continuationEntry + SuspCe.Layout.Block,
                    $"the continuation area at block {ce.Block} offset {ce.Offset} was already read (a CE loop)");
            }

            byte[] block = ReadMetadata(blockOffset, BlockSize, "continuation area");
            area = block.AsSpan((int)ce.Offset, (int)ce.Length).ToArray();
            areaOffset = target;
        }

        if (name is { Count: > 0 })
        {
            info.Name = [.. name];
        }

        info.SymlinkTarget = link?.ToArray();
        return info;
    }

    private byte[] BaseName(IsoDirectoryRecord record)
    {
        byte[] raw = record.Name;
        if (joliet)
        {
            string text = Encoding.BigEndianUnicode.GetString(raw, 0, raw.Length & ~1);
            int semicolon = text.IndexOf(';', StringComparison.Ordinal);
            if (semicolon >= 0)
            {
                text = text[..semicolon];
            }

            return Encoding.UTF8.GetBytes(text);
        }

        int length = raw.AsSpan().IndexOf((byte)';');
        if (length < 0)
        {
            length = raw.Length;
        }

        if (length > 1 && raw[length - 1] == (byte)'.')
        {
            length--;
        }

        // Plain ISO9660 names are upper case; GRUB and Linux (map=normal) show them in lower case.
        byte[] name = raw[..length];
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] is >= (byte)'A' and <= (byte)'Z')
            {
                name[i] += 32;
            }
        }

        return name;
    }

    private sealed class RecordInfo
    {
        public byte[] Name = [];
        public bool Hidden;
        public FileSystemEntryType? PosixType;
        public long PosixOffset;
        public byte[]? SymlinkTarget;
        public uint? ChildLink;
        public long ChildLinkOffset;
    }
}
