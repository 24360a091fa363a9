using System.Diagnostics;
using PvBoot.Shim.Native;

namespace PvBoot.Shim.Sandbox;

/// <summary>
/// The parts of the worker's sandbox that do not depend on the guest, made by the parent on a short-lived thread of
/// its own while its main thread reads the command line and makes the outputs: the network namespace (the slowest
/// step of entering the sandbox, see <see cref="NetworkNamespace"/>) and the uid and gid of <c>nobody</c>.
/// </summary>
/// <remarks>
/// <see cref="ForkedWorker.Run"/> calls <see cref="WaitGone"/> before it forks: only the forking thread survives a
/// fork, so the thread must have finished, and left the runtime's bookkeeping, by then.
/// </remarks>
internal sealed class SandboxPreparation
{
    private readonly Thread thread;
    private volatile int threadId;
    private NetworkNamespace? network;
    private (uint Uid, uint Gid)? nobody;

    private SandboxPreparation() => thread = new Thread(Prepare) { IsBackground = true, Name = "sandbox" };

    /// <summary>The network namespace made ahead, or <see langword="null"/> (the worker then makes its own). Read after <see cref="WaitGone"/>.</summary>
    public NetworkNamespace? Network => network;

    /// <summary>The uid and gid of <c>nobody</c> (<see cref="Deprivileger.Nobody"/>), or <see langword="null"/> if not read. Read after <see cref="WaitGone"/>.</summary>
    public (uint Uid, uint Gid)? Nobody => nobody;

    /// <summary>Starts the preparation thread, or returns <see langword="null"/> if no thread can be started (the worker then does it all).</summary>
    public static SandboxPreparation? TryStart()
    {
        var preparation = new SandboxPreparation();
        try
        {
            preparation.thread.Start();
            return preparation;
        }
        catch (Exception e) when (e is ThreadStartException or OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the thread has left the kernel's thread list. <see cref="Thread.Join()"/> returns when its work is
    /// done, before the runtime detaches the thread under its own locks; a fork in that window would copy a held lock
    /// into the child.
    /// </summary>
    /// <remarks>
    /// The wait is bounded: a thread still at work after two seconds is blocked in a system call (reading
    /// <c>/etc/passwd</c> from a hung file system, say), which holds no runtime lock, and the fork goes ahead; the
    /// worker then makes whatever the thread had not made when it was forked.
    /// </remarks>
    public void WaitGone()
    {
        if (!thread.Join(TimeSpan.FromSeconds(2)))
        {
            return;
        }

        int pid = Libc.GetPid();
        var clock = Stopwatch.StartNew();
        while (threadId > 0 && Libc.Syscall(Libc.SYS_tgkill, pid, threadId, 0) == 0 && clock.ElapsedMilliseconds < 1000)
        {
            Thread.Yield();
        }
    }

    /// <summary>In the parent after the fork: closes its copy of the namespace's descriptor, so the namespace ends with the worker.</summary>
    public void ReleaseInParent()
    {
        network?.Dispose();
        network = null;
    }

    private void Prepare()
    {
        threadId = (int)Libc.Syscall(Libc.SYS_gettid, 0, 0, 0);
        try
        {
            network = NetworkNamespace.Prepare();
            nobody = Deprivileger.Nobody();
        }
        catch (Exception)
        {
            // Whatever is missing the worker makes itself; an exception must not end the process from this thread.
        }
    }
}
