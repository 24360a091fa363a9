namespace PvBoot.Core.BlockSources;

/// <summary>Helpers shared by every <see cref="IBlockSource"/> consumer.</summary>
public static class BlockSourceExtensions
{
    /// <summary>
    /// Reads the bytes of an on-disk structure, first checking that the whole range lies inside the source so that a
    /// truncated image is reported against the structure that was being read.
    /// </summary>
    /// <param name="source">The source to read.</param>
    /// <param name="offset">The byte offset of the structure within <paramref name="source"/>.</param>
    /// <param name="destination">The buffer to fill.</param>
    /// <param name="structure">The structure's specification name, for the error message.</param>
    /// <exception cref="CorruptImageException">The range lies (partly) outside the source.</exception>
    public static void ReadStructure(this IBlockSource source, long offset, Span<byte> destination, string structure)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckRange(source, offset, destination.Length, structure, "offset");
        source.ReadExactly(offset, destination);
    }

    /// <summary>Throws a <see cref="CorruptImageException"/> unless <c>[offset, offset+count)</c> lies inside the source.</summary>
    /// <param name="source">The source.</param>
    /// <param name="offset">The first byte.</param>
    /// <param name="count">The number of bytes.</param>
    /// <param name="structure">The structure being read, for the error message.</param>
    /// <param name="field">The field that gave the offset, for the error message.</param>
    public static void CheckRange(this IBlockSource source, long offset, long count, string structure, string field)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (offset < 0 || count < 0 || offset > source.Length || count > source.Length - offset)
        {
            throw new CorruptImageException(
                source.Name,
                structure,
                field,
                offset,
                $"{count} bytes at offset {offset} lie outside the {source.Length}-byte {source.Name} (truncated or corrupt image)");
        }
    }

    /// <summary>Fills <paramref name="destinations"/> in order with single-buffer reads, each from where the one before it ended.</summary>
    internal static void ReadEachInTurn(IBlockSource source, long offset, IReadOnlyList<Memory<byte>> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        for (int i = 0; i < destinations.Count; i++)
        {
            Memory<byte> destination = destinations[i];
            source.ReadExactly(offset, destination.Span);
            offset += destination.Length;
        }
    }

    /// <summary>The total length of <paramref name="buffers"/>, or -1 if it does not fit in a <see cref="long"/>.</summary>
    internal static long TotalLength(IReadOnlyList<Memory<byte>> buffers)
    {
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            total += buffers[i].Length;
            if (total < 0)
            {
                return -1;
            }
        }

        return total;
    }

    /// <summary>Returns a source that exposes <paramref name="length"/> bytes of <paramref name="source"/> from <paramref name="offset"/>.</summary>
    /// <param name="source">The containing source.</param>
    /// <param name="offset">The start of the range.</param>
    /// <param name="length">The length of the range.</param>
    /// <param name="name">The name of the range for error messages (e.g. <c>disk.img (hd0,msdos1)</c>).</param>
    /// <returns>The sub-range.</returns>
    public static IBlockSource Slice(this IBlockSource source, long offset, long length, string name)
        => new SubBlockSource(source, offset, length, name);
}
