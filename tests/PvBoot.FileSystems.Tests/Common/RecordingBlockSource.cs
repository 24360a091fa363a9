using PvBoot.Core.BlockSources;

namespace PvBoot.FileSystems.Tests.Common;

/// <summary>
/// Passes every read through to another source and records it: each single-buffer read's offset and length, and the
/// number, buffers and bytes of the scatter reads.
/// </summary>
internal sealed class RecordingBlockSource(IBlockSource inner) : IBlockSource
{
    /// <summary>The single-buffer reads, in order.</summary>
    public List<(long Offset, int Length)> Reads { get; } = [];

    /// <summary>The scatter reads made.</summary>
    public int ScatterReads { get; private set; }

    /// <summary>The buffers those scatter reads filled.</summary>
    public long ScatterBuffers { get; private set; }

    /// <summary>The bytes those scatter reads read.</summary>
    public long ScatterBytes { get; private set; }

    public string Name => inner.Name;

    public long Length => inner.Length;

    /// <summary>Forgets what was recorded so far.</summary>
    public void Reset()
    {
        Reads.Clear();
        (ScatterReads, ScatterBuffers, ScatterBytes) = (0, 0, 0);
    }

    public void ReadExactly(long offset, Span<byte> destination)
    {
        Reads.Add((offset, destination.Length));
        inner.ReadExactly(offset, destination);
    }

    public void ReadExactly(long offset, IReadOnlyList<Memory<byte>> destinations)
    {
        ScatterReads++;
        ScatterBuffers += destinations.Count;
        ScatterBytes += destinations.Sum(d => (long)d.Length);
        inner.ReadExactly(offset, destinations);
    }
}
