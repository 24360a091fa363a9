using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PvBoot.Core.BlockSources;

/// <summary>
/// One <c>preadv(2)</c> into a list of buffers. <see cref="RandomAccess.Read(SafeFileHandle, IReadOnlyList{Memory{byte}}, long)"/>
/// does the same but allocates two arrays per call; a fragmented file makes a call per 256 KiB, so this one pins the
/// buffers through a reused array instead. Elsewhere than on Linux, or without its C library, it defers to
/// <see cref="RandomAccess"/>.
/// </summary>
internal static unsafe partial class LinuxScatterRead
{
    /// <summary>The most buffers one call takes (Linux's <c>IOV_MAX</c>).</summary>
    public const int MaxBuffers = 1024;

    private const string Library = "libc.so.6";
    private const int EINTR = 4;

    private static bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>Reads into <paramref name="buffers"/> (at most <see cref="MaxBuffers"/>) from <paramref name="offset"/>; returns the bytes read, which may be fewer than asked.</summary>
    /// <exception cref="IOException">The read failed.</exception>
    public static long Read(SafeFileHandle handle, IReadOnlyList<Memory<byte>> buffers, long offset)
    {
        int count = buffers.Count;
        if (unavailable || count > MaxBuffers)
        {
            return RandomAccess.Read(handle, buffers, offset);
        }

        MemoryHandle[] pins = ArrayPool<MemoryHandle>.Shared.Rent(count);
        int pinned = 0;
        try
        {
            IoVector* vectors = stackalloc IoVector[count];
            for (; pinned < count; pinned++)
            {
                Memory<byte> buffer = buffers[pinned];
                pins[pinned] = buffer.Pin();
                vectors[pinned] = new IoVector { Base = pins[pinned].Pointer, Length = (nuint)buffer.Length };
            }

            while (true)
            {
                nint read = PReadV(handle, vectors, count, offset);
                if (read >= 0)
                {
                    return read;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw new IOException($"preadv at offset {offset}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
                }
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
            return RandomAccess.Read(handle, buffers, offset);
        }
        finally
        {
            for (int i = 0; i < pinned; i++)
            {
                pins[i].Dispose();
            }

            ArrayPool<MemoryHandle>.Shared.Return(pins, clearArray: true);
        }
    }

    [LibraryImport(Library, EntryPoint = "preadv", SetLastError = true)]
    private static partial nint PReadV(SafeFileHandle fd, IoVector* vectors, int count, long offset);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public void* Base;
        public nuint Length;
    }
}
