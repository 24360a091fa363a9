using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Ext;

/// <summary>Directories (linear scan of every block, htree or not, and inline directories) and inline data.</summary>
internal sealed partial class ExtFileSystem
{
    /// <summary>Called for each live record; returns <see langword="false"/> to stop the scan.</summary>
    private delegate bool DirentVisitor(in Ext4DirEntry2 entry, ReadOnlySpan<byte> name, long diskOffset);

    /// <inheritdoc />
    protected override ExtNode? LookupChild(ExtNode directory, ReadOnlySpan<byte> name)
    {
        uint found = 0;
        long foundOffset = -1;
        byte[] wanted = name.ToArray();
        ScanDirectory(directory, (in Ext4DirEntry2 entry, ReadOnlySpan<byte> entryName, long diskOffset) =>
        {
            if (!entryName.SequenceEqual(wanted))
            {
                return true;
            }

            found = entry.Inode;
            foundOffset = diskOffset;
            return false;
        });
        return foundOffset < 0 ? null : LoadInode(found, Ext4DirEntry2.StructureName, "inode", foundOffset + Ext4DirEntry2.Layout.Inode);
    }

    /// <inheritdoc />
    protected override void EnumerateDirectory(ExtNode directory, List<DirectoryListing> into)
    {
        ScanDirectory(directory, (in Ext4DirEntry2 entry, ReadOnlySpan<byte> name, long diskOffset) =>
        {
            if (!(name is [(byte)'.'] || name is [(byte)'.', (byte)'.']))
            {
                into.Add(new DirectoryListing(name.ToArray(), entry.Type));
            }

            return true;
        });
    }

    private void ScanDirectory(ExtNode directory, DirentVisitor visitor)
    {
        RefuseEncrypted(directory);
        if (directory.Inode.HasInlineData)
        {
            ScanInlineDirectory(directory, visitor);
            return;
        }

        long blocks = (directory.Inode.Size + blockSize - 1) / blockSize;
        bool indexed = (directory.Inode.Flags & Ext4Inode.FlagIndex) != 0;
        for (long logical = 0; logical < blocks;)
        {
            BlockRun run = MapBlocks(directory, logical, blocks - logical);
            if (run.Physical < 0)
            {
                logical += run.Count;
                continue;
            }

            for (long i = 0; i < run.Count; i++)
            {
                long diskOffset = (run.Physical + i) * blockSize;
                byte[] block = ReadMetadata(diskOffset, blockSize, Ext4DirEntry2.StructureName);
                int length = DirectoryBlockChecksum(directory, block, diskOffset, indexed && logical + i == 0);
                if (!ScanRecords(block.AsSpan(0, length), diskOffset, visitor))
                {
                    return;
                }
            }

            logical += run.Count;
        }
    }

    /// <summary>Scans records filling <paramref name="area"/> exactly; returns <see langword="false"/> if the visitor stopped.</summary>
    private bool ScanRecords(ReadOnlySpan<byte> area, long areaOffset, DirentVisitor visitor)
    {
        int position = 0;
        while (position < area.Length)
        {
            long diskOffset = areaOffset + position;
            ReadOnlySpan<byte> rest = area[position..];
            var entry = Ext4DirEntry2.Parse(rest, superBlock.HasFiletype, blockSize, diskOffset, Source.Name);
            Meter.ChargeDirectoryEntry(Ext4DirEntry2.StructureName, diskOffset);
            if (entry.Inode != 0 && entry.NameLength > 0 && !visitor(entry, entry.NameIn(rest), diskOffset))
            {
                return false;
            }

            position += entry.RecordLength;
        }

        return true;
    }

    /// <summary>
    /// Verifies a directory block's checksum (the leaf tail, or an htree index block's dx_tail) and returns the length
    /// of the part that holds records.
    /// </summary>
    private int DirectoryBlockChecksum(ExtNode directory, byte[] block, long diskOffset, bool isIndexRoot)
    {
        if (!superBlock.HasMetadataCsum)
        {
            return block.Length;
        }

        int tail = block.Length - Ext4DirEntry2.MinRecordLength;
        ReadOnlySpan<byte> t = block.AsSpan(tail);
        bool hasTail = BinaryPrimitives.ReadUInt32LittleEndian(t) == 0
            && BinaryPrimitives.ReadUInt16LittleEndian(t[Ext4DirEntry2.Layout.RecLen..]) == Ext4DirEntry2.MinRecordLength
            && t[Ext4DirEntry2.Layout.NameLen] == 0 && t[Ext4DirEntry2.Layout.FileType] == Ext4DirEntry2.TailFileType;
        if (hasTail)
        {
            uint computed = Crc32C.Append(directory.ChecksumSeed, block.AsSpan(0, tail));
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(t[8..]);
            if (computed != stored)
            {
                Warn($"ext4_dir_entry_tail at offset {diskOffset + tail}: checksum 0x{stored:x8} stored, 0x{computed:x8} computed (directory inode {directory.Number}); the records are validated anyway");
            }

            return tail;
        }

        bool isIndexNode = (directory.Inode.Flags & Ext4Inode.FlagIndex) != 0
            && BinaryPrimitives.ReadUInt32LittleEndian(block) == 0
            && ReadRecordLength(block) == block.Length;
        if (isIndexRoot || isIndexNode)
        {
            int countOffset = isIndexRoot
                ? Ext4DxCountLimit.RootInfoOffset + block[Ext4DxCountLimit.RootInfoOffset + Ext4DxCountLimit.RootInfoLengthOffset]
                : Ext4DxCountLimit.NodeCountOffset;
            var countLimit = Ext4DxCountLimit.Parse(block, countOffset, diskOffset, Source.Name);
            int covered = countLimit.CountOffset + (countLimit.Count * Ext4DxCountLimit.EntrySize);
            uint computed = Crc32C.Append(directory.ChecksumSeed, block.AsSpan(0, covered));
            computed = Crc32C.Append(computed, block.AsSpan(countLimit.TailOffset, 4));
            computed = Crc32C.Append(computed, [0, 0, 0, 0]);
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(countLimit.TailOffset + 4));
            if (computed != stored)
            {
                Warn($"dx_tail at offset {diskOffset + countLimit.TailOffset}: checksum 0x{stored:x8} stored, 0x{computed:x8} computed (directory inode {directory.Number}); the records are validated anyway");
            }

            return block.Length;
        }

        Warn($"{Ext4DirEntry2.StructureName} block at offset {diskOffset}: metadata_csum is set but the block has no checksum tail");
        return block.Length;
    }

    private int ReadRecordLength(ReadOnlySpan<byte> record)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(record[Ext4DirEntry2.Layout.RecLen..]);
        return blockSize == 65536 && (length == 0 || length == 65535) ? 65536 : length;
    }

    private void ScanInlineDirectory(ExtNode directory, DirentVisitor visitor)
    {
        byte[] data = InlineBytes(directory);
        long blockOffset = directory.DiskOffset + Ext4Inode.Layout.Block;
        uint parent = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (parent == 0 || parent > superBlock.InodesCount)
        {
            throw new CorruptImageException(Source.Name, Ext4Inode.StructureName, "i_block", blockOffset,
                $"the inline directory's parent inode number {parent} is outside 1..{superBlock.InodesCount}");
        }

        if (!ScanRecords(data.AsSpan(sizeof(uint), Ext4Inode.BlockAreaSize - sizeof(uint)), blockOffset + sizeof(uint), visitor))
        {
            return;
        }

        if (data.Length > Ext4Inode.BlockAreaSize)
        {
            ScanRecords(data.AsSpan(Ext4Inode.BlockAreaSize), directory.InlineValueDiskOffset, visitor);
        }
    }

    /// <summary>
    /// Assembles an inline file or directory: the 60 bytes of i_block, then the value of the in-inode extended attribute
    /// system.data. The result is exactly i_size bytes (i_size must not exceed what the two hold).
    /// </summary>
    private byte[] InlineBytes(ExtNode node)
    {
        if (node.InlineData is { } cached)
        {
            return cached;
        }

        Ext4Inode inode = node.Inode;
        long size = inode.Size;
        ReadOnlySpan<byte> value = [];
        long valueOffset = -1;
        int areaStart = Ext4Inode.GoodOldSize + inode.ExtraIsize;
        ReadOnlySpan<byte> raw = inode.Raw;
        if (raw.Length > Ext4Inode.GoodOldSize && areaStart + sizeof(uint) <= raw.Length
            && BinaryPrimitives.ReadUInt32LittleEndian(raw[areaStart..]) == Ext4XattrEntry.IbodyMagic)
        {
            int entriesStart = areaStart + sizeof(uint);
            int position = entriesStart;
            while (!Ext4XattrEntry.IsLast(raw[position..]))
            {
                long entryOffset = node.DiskOffset + position;
                var entry = Ext4XattrEntry.Parse(raw[position..], entryOffset, Source.Name);
                ReadOnlySpan<byte> entryName = entry.NameIn(raw[position..]);
                if (entry.NameIndex == Ext4XattrEntry.IndexSystem && entryName.SequenceEqual("data"u8))
                {
                    if (entry.ValueInode != 0)
                    {
                        throw new CorruptImageException(Source.Name, Ext4XattrEntry.StructureName, "e_value_inum", entryOffset + Ext4XattrEntry.Layout.ValueInum,
                            "inline data kept in a separate inode", ImageProblem.Unsupported);
                    }

                    long start = (long)entriesStart + entry.ValueOffset;
                    if (entry.ValueSize > raw.Length || start + entry.ValueSize > raw.Length)
                    {
                        throw new CorruptImageException(Source.Name, Ext4XattrEntry.StructureName, "e_value_size", entryOffset + Ext4XattrEntry.Layout.ValueSize,
                            $"a {entry.ValueSize}-byte value at {entry.ValueOffset} crosses the end of the {raw.Length}-byte inode");
                    }

                    value = raw.Slice((int)start, (int)entry.ValueSize);
                    valueOffset = node.DiskOffset + start;
                    break;
                }

                position += entry.EntryLength;
            }
        }

        if (size > Ext4Inode.BlockAreaSize + value.Length)
        {
            throw new CorruptImageException(Source.Name, Ext4Inode.StructureName, "i_size_lo", node.DiskOffset + Ext4Inode.Layout.SizeLo,
                $"inline data of {size} bytes, but i_block and system.data hold only {Ext4Inode.BlockAreaSize + value.Length}");
        }

        byte[] data = new byte[size];
        inode.Block[..(int)Math.Min(size, Ext4Inode.BlockAreaSize)].CopyTo(data);
        if (size > Ext4Inode.BlockAreaSize)
        {
            value[..(int)(size - Ext4Inode.BlockAreaSize)].CopyTo(data.AsSpan(Ext4Inode.BlockAreaSize));
        }

        node.InlineData = data;
        node.InlineValueDiskOffset = valueOffset;
        return data;
    }
}
