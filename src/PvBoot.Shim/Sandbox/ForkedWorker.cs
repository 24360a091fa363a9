using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PvBoot.Shim.Native;

namespace PvBoot.Shim.Sandbox;

/// <summary>How a forked worker ended.</summary>
/// <param name="ExitCode">The worker's exit status when it exited, else -1.</param>
/// <param name="Signal">The signal that killed it, else 0.</param>
/// <param name="DeadlinePassed">Whether the parent killed it because the deadline passed.</param>
/// <param name="Status">What the worker wrote on its status pipe.</param>
internal sealed record WorkerOutcome(int ExitCode, int Signal, bool DeadlinePassed, string Status);

/// <summary>
/// Runs work in a child made by <c>fork(2)</c>, without a second program start, while the parent waits with a deadline
/// and kills the child when the deadline passes or when the parent is sent SIGTERM, SIGINT or SIGHUP.
/// </summary>
/// <remarks>
/// A fork copies only the calling thread. The child therefore runs single-threaded: the runtime's other threads
/// (finalizer, signal dispatch) are idle in native waits when the fork happens and are simply absent in the child,
/// which never starts a thread (it sets RLIMIT_NPROC to 0 when it deprivileges). The child restores the default
/// action of the termination signals, since the runtime's handlers forward signals to a dispatch thread it lacks,
/// reports through a pipe whose end-of-file tells the parent it is gone, and leaves with <c>_exit</c>.
/// </remarks>
internal static class ForkedWorker
{
    /// <summary>The most status the parent keeps: the worker's result report (<see cref="Output.BootReport"/>) and a few words.</summary>
    public const int MaxStatusCharacters = 1 << 20;

    private const string ExitReport = "exit ";

    private static readonly int[] TerminationSignals = [Libc.SIGINT, Libc.SIGTERM, Libc.SIGHUP, Libc.SIGQUIT];

    private static volatile int running;
    private static volatile bool terminationRequested;
    private static int unreaped;

    /// <summary>
    /// Forks; the child runs <paramref name="work"/> (given the write end of the status pipe) and exits with its result.
    /// Returns in the parent only: when the child has ended, or when it has reported its exit code as its last status
    /// line (it is then reaped by <see cref="ReapReported"/>).
    /// </summary>
    /// <exception cref="ShimException">The pipe or the fork could not be made.</exception>
    /// <param name="work">The worker's job, given the write end of the status pipe; returns the exit code.</param>
    /// <param name="deadline">How long the parent waits before it kills the worker.</param>
    /// <param name="preparation">The sandbox parts made ahead (waited for before the fork, released in the parent after it).</param>
    public static WorkerOutcome Run(Func<int, int> work, TimeSpan deadline, SandboxPreparation? preparation = null)
    {
        Span<int> pipe = stackalloc int[2];
        if (Libc.Pipe2(pipe, Libc.O_CLOEXEC) != 0)
        {
            throw new ShimException($"cannot create the worker's status pipe: {Libc.Describe(Libc.Errno)}", "the process is out of file descriptors", ExitCode.SandboxFailure);
        }

        using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, KillOnSignal);
        using PosixSignalRegistration onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, KillOnSignal);
        using PosixSignalRegistration onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, KillOnSignal);
        Console.Out.Flush();
        Console.Error.Flush();
        // The runtime's shared array pool, on its first use by nested string formatting, times the processor-number
        // call to tune a cache (about 0.3 ms). Done here, it overlaps the namespace thread's work, and the worker
        // inherits the result instead of paying for it after the fork.
        _ = Thread.GetCurrentProcessorId();
        preparation?.WaitGone();
        int pid = Libc.Fork();
        if (pid == 0)
        {
            RunChild(work, pipe[0], pipe[1]);
        }

        int forkError = Libc.Errno;
        _ = Libc.Close(pipe[1]);
        preparation?.ReleaseInParent();
        if (pid < 0)
        {
            _ = Libc.Close(pipe[0]);
            throw new ShimException($"cannot fork the worker: {Libc.Describe(forkError)}", "the system is out of processes or memory", ExitCode.SandboxFailure);
        }

        running = pid;
        if (terminationRequested)
        {
            _ = Libc.Kill(pid, Libc.SIGKILL);
        }

        try
        {
            (string status, bool passed, int? reported) = ReadUntilEnd(pipe[0], deadline);
            if (reported is int code)
            {
                // The worker's last word: its work is done and flushed; its teardown overlaps the parent's.
                unreaped = pid;
                return new WorkerOutcome(code, 0, false, status);
            }

            if (passed)
            {
                _ = Libc.Kill(pid, Libc.SIGKILL);
            }

            int raw = Reap(pid);
            int signal = raw & 0x7F;
            return signal == 0
                ? new WorkerOutcome((raw >> 8) & 0xFF, 0, passed, status)
                : new WorkerOutcome(-1, signal, passed, status);
        }
        finally
        {
            running = 0;
            _ = Libc.Close(pipe[0]);
        }
    }

    /// <summary>
    /// Reaps a worker that reported its exit code before exiting (see <see cref="Run"/>). Call before the program
    /// ends, once its result is out.
    /// </summary>
    public static void ReapReported()
    {
        if (unreaped > 0)
        {
            _ = Reap(unreaped);
            unreaped = 0;
        }
    }

    private static void KillOnSignal(PosixSignalContext context)
    {
        // The parent lives on to remove the outputs; the child's death ends its wait.
        context.Cancel = true;
        terminationRequested = true;
        int pid = running;
        if (pid > 0)
        {
            _ = Libc.Kill(pid, Libc.SIGKILL);
        }
    }

    [DoesNotReturn]
    private static void RunChild(Func<int, int> work, int readEnd, int writeEnd)
    {
        foreach (int signal in TerminationSignals)
        {
            _ = Libc.Signal(signal, Libc.SIG_DFL);
        }

        _ = Libc.Close(readEnd);
        int code;
        try
        {
            code = work(writeEnd);
        }
        catch (Exception)
        {
            // The work reports its own failures; this is the last guard before the child's exit.
            code = (int)ExitCode.InternalError;
        }

        try
        {
            Console.Out.Flush();
            Console.Error.Flush();
        }
        catch (IOException)
        {
            // Standard output is gone (a closed pipe); the exit code still tells the parent.
        }

        try
        {
            // The last word on the status pipe: the parent may finish while this process is still being torn down.
            Libc.WriteAll(writeEnd, Encoding.ASCII.GetBytes(ExitReport + code.ToString(CultureInfo.InvariantCulture) + "\n"));
        }
        catch (IOException)
        {
            // The parent is gone or the pipe is broken; the exit status still tells.
        }

        Libc.ExitImmediately(code);
    }

    /// <summary>
    /// Reads the status pipe until the child reports its exit code, closes the pipe (by ending) or the deadline passes.
    /// </summary>
    private static (string Status, bool DeadlinePassed, int? ReportedExit) ReadUntilEnd(int fd, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var status = new StringBuilder();
        Span<byte> buffer = stackalloc byte[16384];
        Span<Libc.PollFd> poll = stackalloc Libc.PollFd[1];
        while (true)
        {
            long remaining = (long)deadline.TotalMilliseconds - clock.ElapsedMilliseconds;
            if (remaining <= 0)
            {
                return (status.ToString(), true, null);
            }

            poll[0] = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            int ready = Libc.Poll(poll, 1, (int)Math.Min(remaining, int.MaxValue));
            if (ready <= 0)
            {
                // A timeout or an interrupted wait: the loop re-checks the clock.
                continue;
            }

            nint read = Libc.Read(fd, buffer, buffer.Length);
            if (read > 0)
            {
                // The status is a few words and a result report; anything beyond is the child misbehaving and is not kept.
                if (status.Length < MaxStatusCharacters)
                {
                    _ = status.Append(Encoding.ASCII.GetString(buffer[..(int)read]));
                    if (ReportedExit(status) is int code)
                    {
                        return (status.ToString(), false, code);
                    }
                }
            }
            else if (read == 0 || Libc.Errno != Libc.EINTR)
            {
                return (status.ToString(), false, null);
            }
        }
    }

    /// <summary>The code of a last status line <c>exit N</c> (N from 0 to 255), else <see langword="null"/>.</summary>
    internal static int? ReportedExit(StringBuilder status)
    {
        // Only the end is read: a report is at most "exit 255\n", after a newline or at the start.
        const int Longest = 10;
        int take = Math.Min(status.Length, Longest);
        string text = status.ToString(status.Length - take, take);
        if (text.Length < 2 || !text.EndsWith('\n'))
        {
            return null;
        }

        int newline = text.LastIndexOf('\n', text.Length - 2);
        if (newline < 0 && take < status.Length)
        {
            return null;
        }

        int start = newline + 1;
        ReadOnlySpan<char> line = text.AsSpan(start, text.Length - 1 - start);
        return line.StartsWith(ExitReport, StringComparison.Ordinal)
            && line.Length <= ExitReport.Length + 3
            && int.TryParse(line[ExitReport.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int code)
            && code <= 255
                ? code
                : null;
    }

    private static int Reap(int pid)
    {
        while (true)
        {
            if (Libc.WaitPid(pid, out int status, 0) == pid)
            {
                return status;
            }

            if (Libc.Errno != Libc.EINTR)
            {
                // Already reaped or not ours: report it as killed, which removes the outputs.
                return Libc.SIGKILL;
            }
        }
    }
}
