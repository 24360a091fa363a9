namespace PvBoot.Core.BlockSources;

/// <summary>A contiguous range of another <see cref="IBlockSource"/>: a partition, or a file system inside one.</summary>
public sealed class SubBlockSource : IBlockSource
{
    private readonly IBlockSource parent;

    /// <summary>Creates the range, checking that it lies inside <paramref name="parent"/>.</summary>
    /// <param name="parent">The containing source.</param>
    /// <param name="start">The first byte of the range within <paramref name="parent"/>.</param>
    /// <param name="length">The number of bytes.</param>
    /// <param name="name">The name used in error messages.</param>
    public SubBlockSource(IBlockSource parent, long start, long length, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        parent.CheckRange(start, length, "partition", "range");
        this.parent = parent;
        Start = start;
        Length = length;
        Name = name;
    }

    /// <summary>The first byte of this range within its parent.</summary>
    public long Start { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public void ReadExactly(long offset, Span<byte> destination)
    {
        this.CheckRange(offset, destination.Length, "image", "offset");
        parent.ReadExactly(Start + offset, destination);
    }

    /// <inheritdoc />
    public void ReadExactly(long offset, IReadOnlyList<Memory<byte>> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        this.CheckRange(offset, BlockSourceExtensions.TotalLength(destinations), "image", "offset");
        parent.ReadExactly(Start + offset, destinations);
    }
}
