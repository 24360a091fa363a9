namespace PvBoot.Core.BlockSources;

/// <summary>
/// Read-only, stateless, positional access to the bytes of a guest disk: a file, a block device, a range of one
/// (a partition) or a concatenation of ranges (a logical volume). Implementations are safe to call from several
/// threads because no call changes any state.
/// </summary>
public interface IBlockSource
{
    /// <summary>A human-readable name used in error messages (the image path, plus the partition or volume).</summary>
    string Name { get; }

    /// <summary>The number of readable bytes.</summary>
    long Length { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes starting at <paramref name="offset"/>.
    /// Reading outside <c>[0, Length)</c> is an error (a <see cref="CorruptImageException"/>), never zero-filled.
    /// </summary>
    /// <param name="offset">The byte offset within this source.</param>
    /// <param name="destination">The buffer to fill completely.</param>
    void ReadExactly(long offset, Span<byte> destination);

    /// <summary>
    /// Fills <paramref name="destinations"/> in order with the bytes starting at <paramref name="offset"/>: the first
    /// buffer from <paramref name="offset"/>, each next one from where the one before it ends. A file-backed source
    /// does this in one scatter read (<c>preadv</c>), which lets a caller read a range and keep only some of it
    /// without copying; the default reads each buffer in turn. The same errors as the single-buffer form.
    /// </summary>
    /// <param name="offset">The byte offset within this source of the first buffer's first byte.</param>
    /// <param name="destinations">The buffers to fill completely, in source order.</param>
    void ReadExactly(long offset, IReadOnlyList<Memory<byte>> destinations)
        => BlockSourceExtensions.ReadEachInTurn(this, offset, destinations);
}
