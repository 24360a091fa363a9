using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PvBoot.Shim.Native;

namespace PvBoot.Shim.Sandbox;

/// <summary>
/// The worker's seccomp filter, installed as the last step of deprivileging: the system calls a reader of guest images
/// never makes fail with EPERM (sockets, tracing and other processes' memory, mounts and namespaces, <c>execve</c>,
/// keyrings, BPF, perf events, userfaultfd, io_uring, module and kexec loading, opens by file handle, clock, swap and
/// accounting changes, port I/O), and a call through another system-call ABI (32-bit or x32) ends the process.
/// </summary>
/// <remarks>
/// A deny list rather than an allow list: the runtime's own calls (memory, futexes, signals, membarrier, scheduling)
/// stay as they are. The numbers are x86-64's; on other architectures no filter is installed, and the sandbox says so.
/// </remarks>
internal static class SyscallFilter
{
    private const int PrSetSeccomp = 22;
    private const int SeccompModeFilter = 2;
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint X32SyscallBit = 0x40000000;
    private const uint RetAllow = 0x7FFF0000;
    private const uint RetErrno = 0x00050000;
    private const uint RetKill = 0x00000000;
    private const int Eperm = 1;
    private const ushort LoadWordAbsolute = 0x20;
    private const ushort JumpIfEqual = 0x15;
    private const ushort JumpIfGreaterOrEqual = 0x35;
    private const ushort Return = 0x06;
    private const int NumberOffset = 0;
    private const int ArchitectureOffset = 4;
    private const string Refusal = "fails with EPERM";

    /// <summary>The refused system calls, by x86-64 number.</summary>
    internal static readonly (string Name, int Number)[] Refused =
    [
        ("socket", 41), ("connect", 42), ("accept", 43), ("bind", 49), ("listen", 50), ("socketpair", 53), ("accept4", 288),
        ("ptrace", 101), ("process_vm_readv", 310), ("process_vm_writev", 311), ("kcmp", 312),
        ("execve", 59), ("execveat", 322),
        ("mount", 165), ("umount2", 166), ("pivot_root", 155), ("chroot", 161), ("unshare", 272), ("setns", 308),
        ("open_tree", 428), ("move_mount", 429), ("fsopen", 430), ("fsconfig", 431), ("fsmount", 432), ("fspick", 433),
        ("mount_setattr", 442),
        ("add_key", 248), ("request_key", 249), ("keyctl", 250),
        ("bpf", 321), ("perf_event_open", 298), ("userfaultfd", 323), ("fanotify_init", 300),
        ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427),
        ("init_module", 175), ("finit_module", 313), ("delete_module", 176), ("kexec_load", 246), ("kexec_file_load", 320),
        ("reboot", 169), ("name_to_handle_at", 303), ("open_by_handle_at", 304),
        ("acct", 163), ("swapon", 167), ("swapoff", 168), ("quotactl", 179), ("settimeofday", 164), ("clock_settime", 227),
        ("adjtimex", 159), ("clock_adjtime", 305), ("iopl", 172), ("ioperm", 173), ("personality", 135), ("syslog", 103),
        ("vhangup", 153), ("uselib", 134),
    ];

    /// <summary>
    /// Installs the filter on the calling (single-threaded, no-new-privileges) process and checks it from inside:
    /// <c>socket</c> and <c>execve</c> of an empty path must now fail with EPERM.
    /// </summary>
    /// <returns>Whether the filter is in force (installed, and both checks refused with EPERM), and what the sandbox reports: the filter and the check, or why there is none.</returns>
    public static (bool Enforced, string Description) Install()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return (false, $"not installed (its system-call numbers are x86-64's; this is {RuntimeInformation.ProcessArchitecture})");
        }

        byte[] filter = Program();
        GCHandle filterHandle = GCHandle.Alloc(filter, GCHandleType.Pinned);
        byte[] program = new byte[16];
        GCHandle programHandle = GCHandle.Alloc(program, GCHandleType.Pinned);
        try
        {
            // struct sock_fprog: the instruction count, then (8-byte aligned) the instructions' address.
            BinaryPrimitives.WriteUInt16LittleEndian(program, checked((ushort)(filter.Length / 8)));
            BinaryPrimitives.WriteUInt64LittleEndian(program.AsSpan(8), (ulong)filterHandle.AddrOfPinnedObject());
            if (Libc.Prctl(PrSetSeccomp, SeccompModeFilter, (nuint)programHandle.AddrOfPinnedObject(), 0, 0) != 0)
            {
                return (false, "unavailable: prctl(PR_SET_SECCOMP): " + Libc.Describe(Libc.Errno));
            }
        }
        finally
        {
            programHandle.Free();
            filterHandle.Free();
        }

        // AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC (the same bit as O_CLOEXEC); an empty path, which the kernel refuses with
        // ENOENT when nothing filters execve.
        string socket = Outcome(Libc.Socket(1, 1 | Libc.O_CLOEXEC, 0));
        string execve = Outcome(Libc.Execve(string.Empty, 0, 0));
        return (socket == Refusal && execve == Refusal, $"{Refused.Length} system calls refused; socket {socket}, execve {execve}");
    }

    /// <summary>The filter's instructions (struct sock_filter, 8 bytes each, in the host's byte order: little-endian).</summary>
    internal static byte[] Program()
    {
        int count = 4 + Refused.Length + 3;
        int allow = count - 3;
        int deny = count - 2;
        int kill = count - 1;
        byte[] program = new byte[count * 8];
        Put(program, 0, LoadWordAbsolute, 0, 0, ArchitectureOffset);
        Put(program, 1, JumpIfEqual, 0, Offset(1, kill), AuditArchX8664);
        Put(program, 2, LoadWordAbsolute, 0, 0, NumberOffset);
        Put(program, 3, JumpIfGreaterOrEqual, Offset(3, kill), 0, X32SyscallBit);
        for (int i = 0; i < Refused.Length; i++)
        {
            int at = 4 + i;
            Put(program, at, JumpIfEqual, Offset(at, deny), 0, (uint)Refused[i].Number);
        }

        Put(program, allow, Return, 0, 0, RetAllow);
        Put(program, deny, Return, 0, 0, RetErrno | Eperm);
        Put(program, kill, Return, 0, 0, RetKill);
        return program;
    }

    private static byte Offset(int from, int to) => checked((byte)(to - from - 1));

    private static void Put(byte[] program, int index, ushort code, byte jumpTrue, byte jumpFalse, uint k)
    {
        Span<byte> at = program.AsSpan(index * 8, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(at, code);
        at[2] = jumpTrue;
        at[3] = jumpFalse;
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], k);
    }

    private static string Outcome(int result)
    {
        if (result >= 0)
        {
            _ = Libc.Close(result);
            return "allowed";
        }

        int errno = Libc.Errno;
        return errno == Eperm ? Refusal : "fails: " + Libc.Describe(errno);
    }
}
