using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Ext;

/// <summary>Extent trees: depth ≤ 5, each child exactly one level below its parent, no node twice on a path.</summary>
internal sealed partial class ExtFileSystem
{
    private BlockRun MapExtents(ExtNode file, long logical, long maxBlocks)
    {
        ExtentLeaf? leaf = file.LastLeaf;
        if (leaf is null || logical < leaf.First || logical >= leaf.End)
        {
            leaf = LoadLeaf(file, logical);
            file.LastLeaf = leaf;
        }

        Ext4Extent[] extents = leaf.Extents;
        int lo = 0;
        int hi = extents.Length - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (extents[mid].LogicalBlock <= logical)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found >= 0 && logical < extents[found].EndLogicalBlock)
        {
            Ext4Extent extent = extents[found];
            long count = Math.Min(extent.EndLogicalBlock - logical, maxBlocks);
            return extent.Unwritten ? BlockRun.Hole(count) : new BlockRun((long)extent.PhysicalBlock + (logical - extent.LogicalBlock), count);
        }

        long next = found + 1 < extents.Length ? extents[found + 1].LogicalBlock : leaf.End;
        return BlockRun.Hole(Math.Min(next - logical, maxBlocks));
    }

    /// <summary>Walks from the root in i_block to the leaf that covers <paramref name="logical"/>, validating every node on the way.</summary>
    private ExtentLeaf LoadLeaf(ExtNode file, long logical)
    {
        ReadOnlySpan<byte> node = file.Inode.Block;
        long nodeOffset = file.DiskOffset + Ext4Inode.Layout.Block;
        var header = Ext4ExtentHeader.Parse(node, nodeOffset, Source.Name);
        long first = 0;
        long end = 1L << 32;
        var path = new HashSet<ulong>();
        int level = 0;
        while (true)
        {
            Meter.CheckDepth(level, Ext4ExtentHeader.MaxDepth, Ext4ExtentHeader.StructureName, "eh_depth", nodeOffset + Ext4ExtentHeader.Layout.Depth);
            if (header.Depth == 0)
            {
                return new ExtentLeaf(first, end, ParseLeaf(node, header, nodeOffset, first, end));
            }

            if (header.Entries == 0)
            {
                throw new CorruptImageException(Source.Name, Ext4ExtentHeader.StructureName, "eh_entries", nodeOffset + Ext4ExtentHeader.Layout.Entries,
                    "an index node with no entries");
            }

            int chosen = -1;
            Ext4ExtentIdx child = default;
            long childFirst = first;
            long childEnd = end;
            long previous = -1;
            for (int i = 0; i < header.Entries; i++)
            {
                long entryOffset = nodeOffset + Ext4ExtentHeader.Size + ((long)i * Ext4ExtentIdx.Size);
                var idx = Ext4ExtentIdx.Parse(node[(Ext4ExtentHeader.Size + (i * Ext4ExtentIdx.Size))..], superBlock.BlocksCount,
                    superBlock.FirstDataBlock, entryOffset, Source.Name);
                if (idx.LogicalBlock <= previous || (i > 0 && idx.LogicalBlock < first) || idx.LogicalBlock >= end)
                {
                    throw new CorruptImageException(Source.Name, Ext4ExtentIdx.StructureName, "ei_block", entryOffset + Ext4ExtentIdx.Layout.Block,
                        $"index entries out of order or outside the node's range {first}..{end - 1} (ei_block {idx.LogicalBlock})");
                }

                previous = idx.LogicalBlock;
                if (idx.LogicalBlock <= logical)
                {
                    chosen = i;
                    child = idx;
                    childFirst = Math.Max(first, idx.LogicalBlock);
                }
                else if (chosen == i - 1 && chosen >= 0)
                {
                    childEnd = idx.LogicalBlock;
                }
            }

            if (chosen < 0)
            {
                // The block lies before the first index: a hole up to it.
                long holeEnd = BinaryPrimitives.ReadUInt32LittleEndian(node[(Ext4ExtentHeader.Size + Ext4ExtentIdx.Layout.Block)..]);
                return new ExtentLeaf(first, holeEnd, []);
            }

            long childEntryOffset = nodeOffset + Ext4ExtentHeader.Size + ((long)chosen * Ext4ExtentIdx.Size);
            if (!path.Add(child.Leaf))
            {
                throw new CorruptImageException(Source.Name, Ext4ExtentIdx.StructureName, "ei_leaf_lo", childEntryOffset + Ext4ExtentIdx.Layout.LeafLo,
                    $"the index points at block {child.Leaf}, a node already on this path (a loop)");
            }

            long childOffset = (long)child.Leaf * blockSize;
            byte[] block = ReadMetadata(childOffset, blockSize, Ext4ExtentHeader.StructureName);
            var childHeader = Ext4ExtentHeader.Parse(block, childOffset, Source.Name);
            if (childHeader.Depth != header.Depth - 1)
            {
                throw new CorruptImageException(Source.Name, Ext4ExtentHeader.StructureName, "eh_depth", childOffset + Ext4ExtentHeader.Layout.Depth,
                    $"a child node of depth {childHeader.Depth} under a node of depth {header.Depth}");
            }

            if (superBlock.HasMetadataCsum)
            {
                VerifyExtentBlockChecksum(file, block, childHeader, childOffset);
            }

            node = block;
            nodeOffset = childOffset;
            header = childHeader;
            first = childFirst;
            end = childEnd;
            level++;
        }
    }

    private Ext4Extent[] ParseLeaf(ReadOnlySpan<byte> node, Ext4ExtentHeader header, long nodeOffset, long first, long end)
    {
        var extents = new Ext4Extent[header.Entries];
        long previousEnd = first;
        for (int i = 0; i < extents.Length; i++)
        {
            long entryOffset = nodeOffset + Ext4ExtentHeader.Size + ((long)i * Ext4Extent.Size);
            var extent = Ext4Extent.Parse(node[(Ext4ExtentHeader.Size + (i * Ext4Extent.Size))..], superBlock.BlocksCount, entryOffset, Source.Name);
            if (extent.LogicalBlock < previousEnd || extent.EndLogicalBlock > end)
            {
                throw new CorruptImageException(Source.Name, Ext4Extent.StructureName, "ee_block", entryOffset + Ext4Extent.Layout.Block,
                    $"extent {extent.LogicalBlock}+{extent.Length} overlaps the previous one, is out of order or leaves the node's range {first}..{end - 1}");
            }

            previousEnd = extent.EndLogicalBlock;
            extents[i] = extent;
        }

        return extents;
    }

    private void VerifyExtentBlockChecksum(ExtNode file, byte[] block, Ext4ExtentHeader header, long blockOffset)
    {
        int tail = Ext4ExtentHeader.Size + (header.Max * Ext4Extent.Size);
        if (tail + sizeof(uint) > block.Length)
        {
            Warn($"{Ext4ExtentHeader.StructureName} at offset {blockOffset}: no room for the checksum tail");
            return;
        }

        uint computed = Crc32C.Append(file.ChecksumSeed, block.AsSpan(0, tail));
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(tail));
        if (computed != stored)
        {
            Warn($"ext4_extent_tail at offset {blockOffset + tail}: checksum 0x{stored:x8} stored, 0x{computed:x8} computed (inode {file.Number}); the fields are validated anyway");
        }
    }
}
