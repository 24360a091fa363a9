using System.Runtime.InteropServices;
using PvBoot.Core.BlockSources;

namespace PvBoot.FileSystems.Common;

/// <summary>
/// Collects the reads of one copy chunk and issues them as few scatter reads as it can. Pieces of the file that lie
/// in increasing order on the disk, at most <see cref="MaxGap"/> bytes apart, join one read: the bytes between them
/// (another file's, in an interleaved layout) go to a scratch buffer that is never looked at, so each piece lands in
/// the chunk without a copy and a fragmented file costs a few large reads instead of one per extent.
/// </summary>
internal sealed class ScatterReadBatch
{
    /// <summary>The largest run of unwanted bytes read between two pieces, and the scratch buffer's size.</summary>
    public const int MaxGap = 64 * 1024;

    // A piece and a gap each take a buffer; preadv takes at most 1024.
    private const int MaxBuffers = 512;

    private readonly byte[] chunk;
    private readonly byte[] scratch;
    private readonly List<Memory<byte>> buffers = new(MaxBuffers);
    private long start;
    private long next;

    /// <summary>Allocates the chunk buffer and the scratch buffer, pinned so that a scatter read needs no handles.</summary>
    /// <param name="chunkBytes">The size of <see cref="Chunk"/>.</param>
    public ScatterReadBatch(int chunkBytes)
    {
        chunk = GC.AllocateUninitializedArray<byte>(chunkBytes, pinned: true);
        scratch = GC.AllocateUninitializedArray<byte>(MaxGap, pinned: true);
    }

    /// <summary>The buffer the chunk is read into.</summary>
    public byte[] Chunk => chunk;

    /// <summary>
    /// Queues a read of <paramref name="length"/> bytes at <paramref name="diskOffset"/> into the chunk at
    /// <paramref name="chunkOffset"/>, issuing the reads queued so far first when the piece cannot join them.
    /// </summary>
    public void Add(IBlockSource source, long diskOffset, int chunkOffset, int length)
    {
        if (buffers.Count > 0 && (diskOffset < next || diskOffset - next > MaxGap || buffers.Count + 2 > MaxBuffers))
        {
            Flush(source);
        }

        if (buffers.Count == 0)
        {
            start = next = diskOffset;
        }

        if (diskOffset > next)
        {
            buffers.Add(MemoryMarshal.CreateFromPinnedArray(scratch, 0, (int)(diskOffset - next)));
        }

        buffers.Add(MemoryMarshal.CreateFromPinnedArray(chunk, chunkOffset, length));
        next = diskOffset + length;
    }

    /// <summary>Issues the queued reads (one scatter read), after which every queued piece is in the chunk.</summary>
    public void Flush(IBlockSource source)
    {
        if (buffers.Count == 0)
        {
            return;
        }

        try
        {
            source.ReadExactly(start, buffers);
        }
        finally
        {
            buffers.Clear();
        }
    }

    /// <summary>Drops the queued reads (the copy failed).</summary>
    public void Discard() => buffers.Clear();
}
