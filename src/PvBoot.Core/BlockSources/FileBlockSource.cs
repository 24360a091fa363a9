using Microsoft.Win32.SafeHandles;

namespace PvBoot.Core.BlockSources;

/// <summary>An <see cref="IBlockSource"/> over a regular file or a block device, read with <see cref="RandomAccess"/>.</summary>
public sealed class FileBlockSource : IBlockSource, IDisposable
{
    private readonly SafeFileHandle handle;
    private readonly bool ownsHandle;

    /// <summary>Opens <paramref name="path"/> read-only.</summary>
    /// <param name="path">A disk image file or a block device.</param>
    public FileBlockSource(string path)
        : this(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), path, ownsHandle: true)
    {
    }

    /// <summary>Wraps an already open handle (for example one opened before dropping privileges).</summary>
    /// <param name="handle">A readable handle.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <param name="ownsHandle">Whether <see cref="Dispose"/> closes the handle.</param>
    public FileBlockSource(SafeFileHandle handle, string name, bool ownsHandle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        this.handle = handle;
        this.ownsHandle = ownsHandle;
        Name = name;
        Length = MeasureLength(handle);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public void ReadExactly(long offset, Span<byte> destination)
    {
        this.CheckRange(offset, destination.Length, "image", "offset");
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
            {
                throw new CorruptImageException(Name, "image", "length", offset, "the image ended early (was it truncated while being read?)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <inheritdoc />
    public void ReadExactly(long offset, IReadOnlyList<Memory<byte>> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        long total = BlockSourceExtensions.TotalLength(destinations);
        this.CheckRange(offset, total, "image", "offset");

        // One preadv; more buffers than a call takes are read one at a time.
        long done = destinations.Count is > 0 and <= LinuxScatterRead.MaxBuffers ? LinuxScatterRead.Read(handle, destinations, offset) : 0;

        // A short read (a signal, the end of a device) is finished one buffer at a time from where it stopped.
        for (int i = 0; i < destinations.Count && done < total; i++)
        {
            Memory<byte> destination = destinations[i];
            if (done >= destination.Length)
            {
                done -= destination.Length;
                total -= destination.Length;
            }
            else
            {
                ReadExactly(offset + done, destination.Span[(int)done..]);
                total -= destination.Length;
                done = 0;
            }

            offset += destination.Length;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsHandle)
        {
            handle.Dispose();
        }
    }

    private static long MeasureLength(SafeFileHandle handle)
    {
        long length = RandomAccess.GetLength(handle);
        if (length > 0)
        {
            return length;
        }

        // Block devices report a length of 0 through fstat; seek to the end instead.
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        return stream.Seek(0, SeekOrigin.End);
    }
}
