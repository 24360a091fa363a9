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
}
