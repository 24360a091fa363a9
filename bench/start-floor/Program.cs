// The least a native-AOT pygrub can do. `start-floor print` starts the runtime, prints a line and exits.
// `start-floor sandbox DIR` does, in addition, what pygrub's sandbox does before and after the guest is read, and
// nothing else: a thread makes a network namespace, the process forks, and the worker joins that namespace, unshares
// the mount, IPC and PID namespaces, mounts a read-only tmpfs on DIR and chroots into it, sets the same rlimits (to
// fixed values), sets no_new_privs and not-dumpable, becomes nobody, prints a line and reports on a status pipe; the
// parent reads the pipe and reaps the worker. (pygrub's worker also installs a seccomp filter, a few microseconds,
// left out here.) Run as root. Timed by bench/start-floor.sh against pygrub -n.
using System.Runtime.InteropServices;

namespace PvBoot.Bench;

internal static unsafe partial class StartFloor
{
    private const string Libc = "libc.so.6";
    private const int CloneNewNs = 0x00020000;
    private const int CloneNewIpc = 0x08000000;
    private const int CloneNewPid = 0x20000000;
    private const int CloneNewNet = 0x40000000;
    private const ulong MsReadOnlyNoSuidNoDevNoExec = 0x1 | 0x2 | 0x4 | 0x8;
    private const ulong MsRecursivePrivate = 0x4000 | 0x40000;
    private const uint Nobody = 65534;
    private static int networkNamespace = -1;

    private static int Main(string[] args)
    {
        if (args is ["print"])
        {
            Say(1, "ok\n");
            return 0;
        }

        if (args is not ["sandbox", string root])
        {
            Say(2, "usage: start-floor print | start-floor sandbox DIR   (sandbox: as root)\n");
            return 2;
        }

        var preparation = new Thread(() =>
        {
            if (Unshare(CloneNewNet) == 0)
            {
                networkNamespace = Open($"/proc/self/task/{GetTid()}/ns/net", 0x80000);
            }
        });
        preparation.Start();
        preparation.Join();
        int* pipe = stackalloc int[2];
        Require(Pipe2(pipe, 0x80000), "pipe2");
        int pid = Fork();
        if (pid == 0)
        {
            _ = Close(pipe[0]);
            Worker(root, pipe[1]);
        }

        Require(pid, "fork");
        _ = Close(pipe[1]);
        byte* buffer = stackalloc byte[64];
        while (Read(pipe[0], buffer, 64) > 0)
        {
        }

        int status;
        Require(WaitPid(pid, &status, 0), "waitpid");
        return status == 0 ? 0 : 1;
    }

    private static void Worker(string root, int statusFd)
    {
        Require(SetNs(networkNamespace, CloneNewNet), "setns");
        Require(Unshare(CloneNewNs | CloneNewIpc | CloneNewPid), "unshare");
        Require(Mount(null, "/", null, MsRecursivePrivate, null), "mount private");
        Require(Mount("start-floor", root, "tmpfs", MsReadOnlyNoSuidNoDevNoExec, "size=4k,nr_inodes=1,mode=555"), "mount tmpfs");
        Require(Chroot(root), "chroot");
        Require(Chdir("/"), "chdir");
        ulong* limit = stackalloc ulong[2];
        foreach (int resource in (ReadOnlySpan<int>)[6, 4, 8, 12, 1, 9, 0])
        {
            // RLIMIT_NPROC, CORE, MEMLOCK, MSGQUEUE, FSIZE, AS, CPU, as pygrub's worker sets them (values aside).
            Require(GetRLimit(resource, limit), "getrlimit");
            limit[0] = limit[1] = resource switch { 6 or 4 or 8 or 12 => 0, _ => limit[1] };
            Require(SetRLimit(resource, limit), "setrlimit");
        }

        Require(Prctl(38, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS");
        Require(Prctl(4, 0, 0, 0, 0), "PR_SET_DUMPABLE");
        uint group = Nobody;
        Require(SetGroups(1, &group), "setgroups");
        Require(SetResGid(Nobody, Nobody, Nobody), "setresgid");
        Require(SetResUid(Nobody, Nobody, Nobody), "setresuid");
        Say(1, "ok\n");
        byte* report = stackalloc byte[] { (byte)'e', (byte)'x', (byte)'i', (byte)'t', (byte)' ', (byte)'0', (byte)'\n' };
        _ = Write(statusFd, report, 7);
        ExitImmediately(0);
    }

    private static void Require(int result, string what)
    {
        if (result < 0)
        {
            Say(2, $"start-floor: {what} failed: errno {Marshal.GetLastPInvokeError()}\n");
            ExitImmediately(1);
        }
    }

    /// <summary>Writes ASCII text straight to a descriptor (the console classes need files the empty root lacks).</summary>
    private static void Say(int fd, string text)
    {
        byte* bytes = stackalloc byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            bytes[i] = (byte)text[i];
        }

        _ = Write(fd, bytes, text.Length);
    }

    private static long GetTid() => Syscall(186);

    [LibraryImport(Libc, EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport(Libc, EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int type);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libc, EntryPoint = "read")]
    private static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "write")]
    private static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "fork", SetLastError = true)]
    [SuppressGCTransition]
    private static partial int Fork();

    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Libc, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string? source, string target, string? type, ulong flags, string? data);

    [LibraryImport(Libc, EntryPoint = "chroot", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chroot(string path);

    [LibraryImport(Libc, EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chdir(string path);

    [LibraryImport(Libc, EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, ulong* limit);

    [LibraryImport(Libc, EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ulong* limit);

    [LibraryImport(Libc, EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, ulong value, ulong unused3, ulong unused4, ulong unused5);

    [LibraryImport(Libc, EntryPoint = "setgroups", SetLastError = true)]
    private static partial int SetGroups(nuint count, uint* groups);

    [LibraryImport(Libc, EntryPoint = "setresgid", SetLastError = true)]
    private static partial int SetResGid(uint real, uint effective, uint saved);

    [LibraryImport(Libc, EntryPoint = "setresuid", SetLastError = true)]
    private static partial int SetResUid(uint real, uint effective, uint saved);

    [LibraryImport(Libc, EntryPoint = "syscall")]
    private static partial long Syscall(long number);

    [LibraryImport(Libc, EntryPoint = "_exit")]
    private static partial void ExitImmediately(int status);
}
