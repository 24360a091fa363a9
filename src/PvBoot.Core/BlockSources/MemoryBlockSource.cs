namespace PvBoot.Core.BlockSources;

/// <summary>An <see cref="IBlockSource"/> over bytes in memory (tests, small embedded images, fuzzing).</summary>
public sealed class MemoryBlockSource : IBlockSource
{
    private readonly ReadOnlyMemory<byte> bytes;

    /// <summary>Wraps <paramref name="bytes"/> without copying.</summary>
    /// <param name="bytes">The image bytes.</param>
    /// <param name="name">The name used in error messages.</param>
    public MemoryBlockSource(ReadOnlyMemory<byte> bytes, string name)
    {
        this.bytes = bytes;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length => bytes.Length;

    /// <inheritdoc />
    public void ReadExactly(long offset, Span<byte> destination)
    {
        this.CheckRange(offset, destination.Length, "image", "offset");
        bytes.Span.Slice((int)offset, destination.Length).CopyTo(destination);
    }
}
