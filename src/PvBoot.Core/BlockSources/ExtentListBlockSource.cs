namespace PvBoot.Core.BlockSources;

/// <summary>One contiguous piece of an <see cref="ExtentListBlockSource"/>.</summary>
/// <param name="Offset">The first byte of the piece within the underlying source.</param>
/// <param name="Length">The number of bytes in the piece.</param>
public readonly record struct BlockExtent(long Offset, long Length);

/// <summary>
/// The concatenation of several ranges of one underlying source, in order: how a linear LVM logical volume made of
/// several segments is seen.
/// </summary>
public sealed class ExtentListBlockSource : IBlockSource
{
    private readonly IBlockSource parent;
    private readonly BlockExtent[] extents;
    private readonly long[] starts;

    /// <summary>Creates the concatenation, checking every range against <paramref name="parent"/>.</summary>
    /// <param name="parent">The underlying source.</param>
    /// <param name="extents">The ranges, in logical order.</param>
    /// <param name="name">The name used in error messages.</param>
    public ExtentListBlockSource(IBlockSource parent, IReadOnlyList<BlockExtent> extents, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(extents);
        this.parent = parent;
        this.extents = [.. extents];
        starts = new long[this.extents.Length];
        long total = 0;
        for (int i = 0; i < this.extents.Length; i++)
        {
            BlockExtent e = this.extents[i];
            parent.CheckRange(e.Offset, e.Length, "extent", "range");
            starts[i] = total;
            total = checked(total + e.Length);
        }

        Length = total;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public void ReadExactly(long offset, Span<byte> destination)
    {
        this.CheckRange(offset, destination.Length, "image", "offset");
        if (destination.IsEmpty)
        {
            return;
        }

        int index = ExtentAt(offset);
        while (!destination.IsEmpty)
        {
            while (offset - starts[index] >= extents[index].Length)
            {
                index++;
            }

            long within = offset - starts[index];
            int count = (int)Math.Min(destination.Length, extents[index].Length - within);
            parent.ReadExactly(extents[index].Offset + within, destination[..count]);
            destination = destination[count..];
            offset += count;
        }
    }

    /// <inheritdoc />
    public void ReadExactly(long offset, IReadOnlyList<Memory<byte>> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        long total = BlockSourceExtensions.TotalLength(destinations);
        this.CheckRange(offset, total, "image", "offset");
        if (total == 0)
        {
            return;
        }

        // Inside one extent the parent can read it all at once; across extents each buffer is read in turn.
        int index = ExtentAt(offset);
        long within = offset - starts[index];
        if (total <= extents[index].Length - within)
        {
            parent.ReadExactly(extents[index].Offset + within, destinations);
            return;
        }

        BlockSourceExtensions.ReadEachInTurn(this, offset, destinations);
    }

    /// <summary>The index of the extent holding <paramref name="offset"/> (inside <c>[0, Length)</c>).</summary>
    private int ExtentAt(long offset)
    {
        int index = Array.BinarySearch(starts, offset);
        if (index < 0)
        {
            return ~index - 1;
        }

        // Zero-length extents share a start with the next one; the offset lies in the last extent that starts there.
        while (index + 1 < starts.Length && starts[index + 1] == offset)
        {
            index++;
        }

        return index;
    }
}
