using PvBoot.Shim.Native;

namespace PvBoot.Shim.Sandbox;

/// <summary>
/// <c>/dev/null</c>, opened by the parent before the fork for a worker whose standard output is handed over: the
/// worker makes it its descriptor 1, so nothing it writes there reaches the caller (the worker's root has no
/// <c>/dev</c>, hence the descriptor made ahead).
/// </summary>
internal sealed class DevNull : IDisposable
{
    private int fd;

    private DevNull(int fd) => this.fd = fd;

    /// <summary>Opens <c>/dev/null</c> for writing.</summary>
    /// <exception cref="ShimException">It cannot be opened.</exception>
    public static DevNull Open()
    {
        int fd = Libc.Open("/dev/null", Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        return fd >= 0
            ? new DevNull(fd)
            : throw new ShimException($"cannot open /dev/null: {Libc.Describe(Libc.Errno)}", "the worker's standard output needs it", ExitCode.SandboxFailure);
    }

    /// <summary>In the worker: makes descriptor 1 this <c>/dev/null</c>.</summary>
    /// <exception cref="ShimException"><c>dup2</c> failed.</exception>
    public void ReplaceStandardOutput()
    {
        if (Libc.Dup2(fd, 1) < 0)
        {
            throw new ShimException($"cannot replace the worker's standard output: {Libc.Describe(Libc.Errno)}", "this is a bug", ExitCode.SandboxFailure);
        }
    }

    /// <summary>Closes the descriptor.</summary>
    public void Dispose()
    {
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
            fd = -1;
        }
    }
}
