using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Ext;

/// <summary>
/// ext2/3 block maps: i_block[0..11] point at data blocks, i_block[12] at an indirect block of pointers, i_block[13]
/// at a double-indirect and i_block[14] at a triple-indirect block. A zero pointer is a hole (the whole subtree below it).
/// </summary>
internal sealed partial class ExtFileSystem
{
    private const int DirectBlocks = 12;

    /// <summary>The structure name used in errors about pointers inside indirect blocks.</summary>
    private const string IndirectBlockStructure = "ext2_indirect_block";

    private BlockRun MapBlockMap(ExtNode file, long logical, long maxBlocks)
    {
        long perBlock = blockSize / sizeof(uint);
        long inodeBlockOffset = file.DiskOffset + Ext4Inode.Layout.Block;
        ReadOnlySpan<byte> inodeBlock = file.Inode.Block;
        if (logical < DirectBlocks)
        {
            return RunOfPointers(inodeBlock[..(DirectBlocks * sizeof(uint))], (int)logical, Math.Min(maxBlocks, DirectBlocks - logical),
                inodeBlockOffset, Ext4Inode.StructureName, "i_block");
        }

        long relative = logical - DirectBlocks;
        int slot = DirectBlocks;
        long cover = perBlock;
        while (relative >= cover)
        {
            relative -= cover;
            slot++;
            if (slot > DirectBlocks + 2)
            {
                // Beyond what a triple-indirect block can map: nothing is stored there.
                return BlockRun.Hole(maxBlocks);
            }

            cover *= perBlock;
        }

        uint pointer = BinaryPrimitives.ReadUInt32LittleEndian(inodeBlock[(slot * sizeof(uint))..]);
        long pointerOffset = inodeBlockOffset + (slot * sizeof(uint));
        string pointerStructure = Ext4Inode.StructureName;
        string pointerField = "i_block";
        while (true)
        {
            if (pointer == 0)
            {
                return BlockRun.Hole(Math.Min(cover - relative, maxBlocks));
            }

            CheckBlockPointer(pointer, pointerStructure, pointerField, pointerOffset);
            long blockOffset = (long)pointer * blockSize;
            byte[] indirect = ReadMetadata(blockOffset, blockSize, IndirectBlockStructure);
            cover /= perBlock;
            int index = (int)(relative / cover);
            relative %= cover;
            if (cover == 1)
            {
                return RunOfPointers(indirect, index, Math.Min(maxBlocks, perBlock - index), blockOffset, IndirectBlockStructure, "block");
            }

            pointerOffset = blockOffset + ((long)index * sizeof(uint));
            pointer = BinaryPrimitives.ReadUInt32LittleEndian(indirect.AsSpan(index * sizeof(uint)));
            pointerStructure = IndirectBlockStructure;
            pointerField = "block";
        }
    }

    /// <summary>The run that starts at pointer <paramref name="index"/>: consecutive data blocks, or consecutive zero pointers (a hole).</summary>
    private BlockRun RunOfPointers(ReadOnlySpan<byte> pointers, int index, long maxBlocks, long pointersOffset, string structure, string field)
    {
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(pointers[(index * sizeof(uint))..]);
        if (first != 0)
        {
            CheckBlockPointer(first, structure, field, pointersOffset + ((long)index * sizeof(uint)));
        }

        long count = 1;
        while (count < maxBlocks)
        {
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(pointers[((index + (int)count) * sizeof(uint))..]);
            if (first == 0 ? next != 0 : next != first + (uint)count)
            {
                break;
            }

            if (first != 0)
            {
                CheckBlockPointer(next, structure, field, pointersOffset + ((index + count) * sizeof(uint)));
            }

            count++;
        }

        return first == 0 ? BlockRun.Hole(count) : new BlockRun(first, count);
    }

    private void CheckBlockPointer(uint pointer, string structure, string field, long offset)
    {
        if (pointer <= superBlock.FirstDataBlock || pointer >= superBlock.BlocksCount)
        {
            throw new CorruptImageException(Source.Name, structure, field, offset,
                $"block pointer {pointer} lies outside the file system's blocks {superBlock.FirstDataBlock + 1}..{superBlock.BlocksCount - 1}");
        }
    }
}
