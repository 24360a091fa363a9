using PvBoot.Shim.Native;

namespace PvBoot.Shim.Output;

/// <summary>A write-only stream over a raw descriptor that it does not own (an output file or FIFO).</summary>
/// <param name="fd">The descriptor.</param>
/// <param name="reserveAhead">
/// The descriptor is a new, empty regular file written from its start (a kernel or ramdisk output): reserve disk space
/// ahead of the data and give back the unused part when disposed.
/// </param>
/// <remarks>
/// The reservation is <c>fallocate(FALLOC_FL_KEEP_SIZE)</c>, 8 MiB first and then as much again as is written, so a
/// few calls cover any file. Writing into reserved blocks costs about a quarter less on ext4 (measured with the
/// benchmark's files) than letting each page be allocated as it is written. A reservation that fails (no support, no
/// room for the part ahead) only stops reserving: the writes themselves decide whether the data fits, as without it.
/// </remarks>
internal sealed class FdWriteStream(int fd, bool reserveAhead = false) : Stream
{
    private const long FirstReservation = 8L << 20;

    private long written;
    private long reserved;
    private bool reservationFailed;

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => written;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Reserve(written + buffer.Length);
        Libc.WriteAll(fd, buffer);
        written += buffer.Length;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (reserveAhead)
        {
            // Blocks reserved past the data are given back, also after a failed reservation, which may have kept part
            // of its range.
            _ = Libc.Ftruncate(fd, written);
        }

        base.Dispose(disposing);
    }

    private void Reserve(long end)
    {
        if (!reserveAhead || reservationFailed || end <= reserved)
        {
            return;
        }

        long length = Math.Max(Math.Max(FirstReservation, reserved), end - reserved);
        if (Libc.Fallocate(fd, Libc.FALLOC_FL_KEEP_SIZE, reserved, length) == 0)
        {
            reserved += length;
        }
        else
        {
            reservationFailed = true;
        }
    }
}
