using System.Globalization;
using PvBoot.Shim.Native;

namespace PvBoot.Shim.Sandbox;

/// <summary>
/// A new, empty network namespace made ahead of the fork and held by a descriptor, for the worker to join.
/// </summary>
/// <remarks>
/// Creating a network namespace is the slowest step of entering the sandbox (0.3–0.8 ms: the kernel registers a
/// loopback device and every protocol's tables). The parent makes it on its preparation thread
/// (<see cref="SandboxPreparation"/>) while its main thread reads the command line and makes the outputs, so the
/// worker only joins it (<c>setns</c>, microseconds). The
/// namespace is the same as the one <c>unshare(CLONE_NEWNET)</c> in the worker would make: new, holding only a
/// loopback device that is down. Only the thread that unshared is ever in it in the parent, and that thread ends.
/// </remarks>
internal sealed class NetworkNamespace : IDisposable
{
    private int fd;

    private NetworkNamespace(int fd) => this.fd = fd;

    /// <summary>
    /// Moves the calling thread into a new network namespace and returns a descriptor that keeps it, or
    /// <see langword="null"/> when that is not possible (not root, no /proc); the worker then makes its own.
    /// </summary>
    /// <remarks>Call only on a thread that ends afterwards: the calling thread stays in the new namespace.</remarks>
    public static NetworkNamespace? Prepare()
    {
        if (Libc.GetEffectiveUid() != 0 || Libc.Unshare(Libc.CLONE_NEWNET) != 0)
        {
            return null;
        }

        // /proc/self/task/TID rather than /proc/thread-self, which Linux 3.10 (EL7) lacks.
        long tid = Libc.Syscall(Libc.SYS_gettid, 0, 0, 0);
        int fd = Libc.Open(string.Create(CultureInfo.InvariantCulture, $"/proc/self/task/{tid}/ns/net"), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        return fd < 0 ? null : new NetworkNamespace(fd);
    }

    /// <summary>The network namespace of the calling (single-threaded) process as /proc names it (<c>net:[INODE]</c>), or <see langword="null"/>.</summary>
    public static string? Current()
    {
        try
        {
            return new FileInfo("/proc/self/ns/net").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Moves the calling process (single-threaded: the forked worker) into the namespace.</summary>
    /// <returns><see langword="false"/> if <c>setns</c> failed.</returns>
    public bool Join() => fd >= 0 && Libc.SetNs(fd, Libc.CLONE_NEWNET) == 0;

    /// <summary>Closes the descriptor; the namespace ends when no process is in it.</summary>
    public void Dispose()
    {
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
            fd = -1;
        }
    }
}
