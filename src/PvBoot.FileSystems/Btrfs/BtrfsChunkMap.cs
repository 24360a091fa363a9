using PvBoot.Core;

namespace PvBoot.FileSystems.Btrfs;

/// <summary>The logical-to-physical map built from the bootstrap chunk array and the chunk tree.</summary>
internal sealed class BtrfsChunkMap
{
    private readonly List<BtrfsChunk> chunks = [];

    /// <summary>The number of chunks mapped.</summary>
    public int Count => chunks.Count;

    /// <summary>Adds a chunk; an identical one is ignored, an overlapping different one is corrupt.</summary>
    public void Add(BtrfsChunk chunk, string source)
    {
        int index = chunks.BinarySearch(chunk, Comparer<BtrfsChunk>.Create((a, b) => a.Logical.CompareTo(b.Logical)));
        if (index >= 0)
        {
            BtrfsChunk existing = chunks[index];
            if (existing.Length == chunk.Length && existing.Type == chunk.Type)
            {
                return;
            }

            throw Overlap(chunk, existing, source);
        }

        index = ~index;
        if (index > 0 && chunks[index - 1].Logical + chunks[index - 1].Length > chunk.Logical)
        {
            throw Overlap(chunk, chunks[index - 1], source);
        }

        if (index < chunks.Count && chunk.Logical + chunk.Length > chunks[index].Logical)
        {
            throw Overlap(chunk, chunks[index], source);
        }

        chunks.Insert(index, chunk);
    }

    /// <summary>The chunk containing <paramref name="logical"/>, or <see langword="null"/>.</summary>
    public BtrfsChunk? Find(ulong logical)
    {
        int lo = 0;
        int hi = chunks.Count - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) / 2);
            BtrfsChunk c = chunks[mid];
            if (logical < c.Logical)
            {
                hi = mid - 1;
            }
            else if (logical - c.Logical >= c.Length)
            {
                lo = mid + 1;
            }
            else
            {
                return c;
            }
        }

        return null;
    }

    private static CorruptImageException Overlap(BtrfsChunk chunk, BtrfsChunk other, string source)
        => new(source, "btrfs_chunk", "length", chunk.DiskOffset + BtrfsChunk.Layout.Length,
            $"the chunk at logical {chunk.Logical}+{chunk.Length} overlaps the chunk at {other.Logical}+{other.Length}");
}
