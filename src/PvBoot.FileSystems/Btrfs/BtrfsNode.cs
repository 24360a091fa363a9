using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>
/// A validated tree block: its header, then either leaf items (whose data lie inside the block, after the item
/// headers) or key pointers; keys strictly ascending; no pointer back to the block itself.
/// </summary>
internal sealed class BtrfsNode
{
    private readonly BtrfsItem[] items;
    private readonly BtrfsKeyPtr[] pointers;

    private BtrfsNode(byte[] bytes, long diskOffset, BtrfsHeader header, BtrfsItem[] items, BtrfsKeyPtr[] pointers)
    {
        Bytes = bytes;
        DiskOffset = diskOffset;
        Header = header;
        this.items = items;
        this.pointers = pointers;
    }

    /// <summary>The block's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The absolute offset of the copy that was read.</summary>
    public long DiskOffset { get; }

    /// <summary>The header.</summary>
    public BtrfsHeader Header { get; }

    /// <summary>Whether this is a leaf.</summary>
    public bool IsLeaf => Header.Level == 0;

    /// <summary>The number of items or pointers.</summary>
    public int Count => IsLeaf ? items.Length : pointers.Length;

    /// <summary>The leaf items.</summary>
    public IReadOnlyList<BtrfsItem> Items => items;

    /// <summary>The key pointers.</summary>
    public IReadOnlyList<BtrfsKeyPtr> Pointers => pointers;

    /// <summary>The i-th key.</summary>
    public BtrfsKey KeyAt(int index) => IsLeaf ? items[index].Key : pointers[index].Key;

    /// <summary>The i-th item's data.</summary>
    public ReadOnlySpan<byte> ItemData(int index) => Bytes.AsSpan(BtrfsHeader.Size + (int)items[index].Offset, (int)items[index].DataSize);

    /// <summary>The absolute offset of the i-th item's data.</summary>
    public long ItemDataOffset(int index) => DiskOffset + BtrfsHeader.Size + items[index].Offset;

    /// <summary>The absolute offset of the i-th item header or key pointer.</summary>
    public long EntryOffset(int index) => DiskOffset + BtrfsHeader.Size + (index * (IsLeaf ? BtrfsItem.Size : BtrfsKeyPtr.Size));

    /// <summary>Parses and validates a whole tree block.</summary>
    public static BtrfsNode Parse(byte[] bytes, long diskOffset, string source, ulong logical, ReadOnlySpan<byte> metadataFsid)
    {
        BtrfsHeader header = BtrfsHeader.Parse(bytes, diskOffset, source, logical, metadataFsid);
        int count = (int)header.ItemCount;
        int dataArea = bytes.Length - BtrfsHeader.Size;
        BtrfsItem[] items = [];
        BtrfsKeyPtr[] pointers = [];
        if (header.Level == 0)
        {
            items = new BtrfsItem[count];
            int headersEnd = count * BtrfsItem.Size;
            for (int i = 0; i < count; i++)
            {
                int at = BtrfsHeader.Size + (i * BtrfsItem.Size);
                items[i] = BtrfsItem.Parse(bytes.AsSpan(at), diskOffset + at, source, dataArea, headersEnd);
                if (i > 0 && items[i].Key <= items[i - 1].Key)
                {
                    throw new CorruptImageException(source, "btrfs_item", "key", diskOffset + at,
                        $"key {items[i].Key} does not follow {items[i - 1].Key}: keys out of order");
                }
            }
        }
        else
        {
            pointers = new BtrfsKeyPtr[count];
            for (int i = 0; i < count; i++)
            {
                int at = BtrfsHeader.Size + (i * BtrfsKeyPtr.Size);
                pointers[i] = BtrfsKeyPtr.Parse(bytes.AsSpan(at), diskOffset + at, source);
                if (pointers[i].BlockPtr == logical)
                {
                    throw new CorruptImageException(source, "btrfs_key_ptr", "blockptr", diskOffset + at + BtrfsKeyPtr.Layout.BlockPtr,
                        $"the node at logical {logical} points to itself");
                }

                if (i > 0 && pointers[i].Key <= pointers[i - 1].Key)
                {
                    throw new CorruptImageException(source, "btrfs_key_ptr", "key", diskOffset + at,
                        $"key {pointers[i].Key} does not follow {pointers[i - 1].Key}: keys out of order");
                }
            }
        }

        return new BtrfsNode(bytes, diskOffset, header, items, pointers);
    }
}
