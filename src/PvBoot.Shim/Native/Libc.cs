using System.Runtime.InteropServices;

namespace PvBoot.Shim.Native;

/// <summary>The libc calls the shim needs (Linux, glibc), declared with source-generated marshalling (AOT-safe).</summary>
internal static partial class Libc
{
    private const string Library = "libc.so.6";

    /// <summary><c>O_RDONLY</c>.</summary>
    public const int O_RDONLY = 0;

    /// <summary><c>O_WRONLY</c>.</summary>
    public const int O_WRONLY = 0x1;

    /// <summary><c>O_RDWR</c>.</summary>
    public const int O_RDWR = 0x2;

    /// <summary><c>O_CREAT</c>.</summary>
    public const int O_CREAT = 0x40;

    /// <summary><c>O_EXCL</c>.</summary>
    public const int O_EXCL = 0x80;

    /// <summary><c>O_NOCTTY</c>.</summary>
    public const int O_NOCTTY = 0x100;

    /// <summary><c>O_DIRECTORY</c>.</summary>
    public const int O_DIRECTORY = 0x10000;

    /// <summary><c>O_NOFOLLOW</c>.</summary>
    public const int O_NOFOLLOW = 0x20000;

    /// <summary><c>O_CLOEXEC</c>.</summary>
    public const int O_CLOEXEC = 0x80000;

    /// <summary><c>EEXIST</c>.</summary>
    public const int EEXIST = 17;

    /// <summary><c>EINTR</c>.</summary>
    public const int EINTR = 4;

    /// <summary><c>EFBIG</c>.</summary>
    public const int EFBIG = 27;

    /// <summary><c>ENOSPC</c>.</summary>
    public const int ENOSPC = 28;

    /// <summary><c>F_GETFD</c>.</summary>
    public const int F_GETFD = 1;

    /// <summary><c>F_SETFD</c>.</summary>
    public const int F_SETFD = 2;

    /// <summary><c>FD_CLOEXEC</c>.</summary>
    public const int FD_CLOEXEC = 1;

    /// <summary><c>CLONE_NEWNS</c>.</summary>
    public const int CLONE_NEWNS = 0x00020000;

    /// <summary><c>CLONE_NEWIPC</c>.</summary>
    public const int CLONE_NEWIPC = 0x08000000;

    /// <summary><c>CLONE_NEWNET</c>.</summary>
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary><c>CLONE_NEWPID</c>.</summary>
    public const int CLONE_NEWPID = 0x20000000;

    /// <summary><c>MS_RDONLY</c>.</summary>
    public const ulong MS_RDONLY = 0x1;

    /// <summary><c>MS_NOSUID</c>.</summary>
    public const ulong MS_NOSUID = 0x2;

    /// <summary><c>MS_NODEV</c>.</summary>
    public const ulong MS_NODEV = 0x4;

    /// <summary><c>MS_NOEXEC</c>.</summary>
    public const ulong MS_NOEXEC = 0x8;

    /// <summary><c>AT_REMOVEDIR</c>.</summary>
    public const int AT_REMOVEDIR = 0x200;

    /// <summary><c>MS_REC</c>.</summary>
    public const ulong MS_REC = 0x4000;

    /// <summary><c>MS_PRIVATE</c>.</summary>
    public const ulong MS_PRIVATE = 1 << 18;

    /// <summary><c>RLIMIT_CPU</c>.</summary>
    public const int RLIMIT_CPU = 0;

    /// <summary><c>RLIMIT_FSIZE</c>.</summary>
    public const int RLIMIT_FSIZE = 1;

    /// <summary><c>RLIMIT_CORE</c>.</summary>
    public const int RLIMIT_CORE = 4;

    /// <summary><c>RLIMIT_NPROC</c>.</summary>
    public const int RLIMIT_NPROC = 6;

    /// <summary><c>RLIMIT_MEMLOCK</c>.</summary>
    public const int RLIMIT_MEMLOCK = 8;

    /// <summary><c>RLIMIT_AS</c>.</summary>
    public const int RLIMIT_AS = 9;

    /// <summary><c>RLIMIT_MSGQUEUE</c>.</summary>
    public const int RLIMIT_MSGQUEUE = 12;

    /// <summary><c>PR_SET_NO_NEW_PRIVS</c>.</summary>
    public const int PR_SET_NO_NEW_PRIVS = 38;

    /// <summary><c>PR_SET_DUMPABLE</c>.</summary>
    public const int PR_SET_DUMPABLE = 4;

    /// <summary><c>SIGXFSZ</c>.</summary>
    public const int SIGXFSZ = 25;

    /// <summary><c>SIG_IGN</c>.</summary>
    public static readonly nint SIG_IGN = 1;

    /// <summary><c>SIG_DFL</c>.</summary>
    public static readonly nint SIG_DFL = 0;

    /// <summary><c>SIGHUP</c>.</summary>
    public const int SIGHUP = 1;

    /// <summary><c>SIGINT</c>.</summary>
    public const int SIGINT = 2;

    /// <summary><c>SIGQUIT</c>.</summary>
    public const int SIGQUIT = 3;

    /// <summary><c>SIGKILL</c>.</summary>
    public const int SIGKILL = 9;

    /// <summary><c>SIGTERM</c>.</summary>
    public const int SIGTERM = 15;

    /// <summary><c>TCSANOW</c>.</summary>
    public const int TCSANOW = 0;

    /// <summary><c>POLLIN</c>.</summary>
    public const short POLLIN = 1;

    /// <summary><c>struct rlimit</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        /// <summary><c>rlim_cur</c>.</summary>
        public ulong Current;

        /// <summary><c>rlim_max</c>.</summary>
        public ulong Maximum;
    }

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        /// <summary><c>fd</c>.</summary>
        public int Fd;

        /// <summary><c>events</c>.</summary>
        public short Events;

        /// <summary><c>revents</c>.</summary>
        public short ReturnedEvents;
    }

    /// <summary><c>open(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, int mode);

    /// <summary><c>close(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>write(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    /// <summary><c>read(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, Span<byte> buffer, nint count);

    /// <summary><c>fcntl(2)</c> with an int argument.</summary>
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary><c>unlink(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Unlink(string path);

    /// <summary><c>mkdir(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mkdir(string path, int mode);

    /// <summary><c>chmod(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chmod(string path, int mode);

    /// <summary><c>rmdir(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rmdir(string path);

    /// <summary><c>chroot(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "chroot", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chroot(string path);

    /// <summary><c>chdir(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "chdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chdir(string path);

    /// <summary><c>unshare(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    /// <summary><c>setns(2)</c>: joins the namespace an nsfs descriptor refers to.</summary>
    [LibraryImport(Library, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int namespaceType);

    /// <summary><c>mount(2)</c>, with the file system's options as text.</summary>
    [LibraryImport(Library, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, string? data);

    /// <summary><c>unlinkat(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "unlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Unlinkat(int directoryFd, string path, int flags);

    /// <summary><c>setrlimit(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRLimit(int resource, in RLimit limit);

    /// <summary><c>getrlimit(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, out RLimit limit);

    /// <summary><c>setgroups(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "setgroups", SetLastError = true)]
    public static partial int SetGroups(nint size, ReadOnlySpan<uint> groups);

    /// <summary><c>setresgid(2)</c> (glibc applies it to every thread).</summary>
    [LibraryImport(Library, EntryPoint = "setresgid", SetLastError = true)]
    public static partial int SetResGid(uint real, uint effective, uint saved);

    /// <summary><c>setresuid(2)</c> (glibc applies it to every thread).</summary>
    [LibraryImport(Library, EntryPoint = "setresuid", SetLastError = true)]
    public static partial int SetResUid(uint real, uint effective, uint saved);

    /// <summary><c>geteuid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUid();

    /// <summary><c>getuid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "getuid")]
    public static partial uint GetUid();

    /// <summary><c>getgid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "getgid")]
    public static partial uint GetGid();

    /// <summary><c>prctl(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    /// <summary><c>dup2(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    /// <summary><c>socket(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary><c>execve(2)</c> (the sandbox only calls it to check that it is refused).</summary>
    [LibraryImport(Library, EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Execve(string path, nint arguments, nint environment);

    /// <summary><c>signal(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "signal", SetLastError = true)]
    public static partial nint Signal(int signal, nint handler);

    /// <summary><c>isatty(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "isatty")]
    public static partial int IsATty(int fd);

    /// <summary><c>tcgetattr(3)</c> into a <c>struct termios</c> buffer.</summary>
    [LibraryImport(Library, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, Span<byte> termios);

    /// <summary><c>tcsetattr(3)</c> from a <c>struct termios</c> buffer.</summary>
    [LibraryImport(Library, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int when, ReadOnlySpan<byte> termios);

    /// <summary><c>poll(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(Span<PollFd> fds, nuint count, int timeoutMilliseconds);

    /// <summary>
    /// <c>fork(2)</c>. Declared without a GC transition: the calling thread stays in cooperative mode, so no garbage
    /// collection can be under way in another thread while the address space is copied.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "fork", SetLastError = true)]
    [SuppressGCTransition]
    public static partial int Fork();

    /// <summary><c>_exit(2)</c>: ends the process without atexit handlers or runtime shutdown (right for a forked child).</summary>
    [LibraryImport(Library, EntryPoint = "_exit")]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static partial void ExitImmediately(int status);

    /// <summary><c>waitpid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    /// <summary><c>kill(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>The <c>gettid</c> system call number on x86-64 (glibc 2.17 has no wrapper).</summary>
    public const long SYS_gettid = 186;

    /// <summary>The <c>tgkill</c> system call number on x86-64 (glibc 2.17 has no wrapper).</summary>
    public const long SYS_tgkill = 234;

    /// <summary><c>syscall(2)</c> with up to three integer arguments.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long first, long second, long third);

    /// <summary><c>getpid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "getpid")]
    public static partial int GetPid();

    /// <summary><c>fallocate(2)</c> mode: reserve blocks without changing the file size.</summary>
    public const int FALLOC_FL_KEEP_SIZE = 0x01;

    /// <summary><c>fallocate(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "fallocate", SetLastError = true)]
    public static partial int Fallocate(int fd, int mode, long offset, long length);

    /// <summary><c>ftruncate(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    /// <summary><c>pipe2(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(Span<int> fds, int flags);

    /// <summary>The <c>errno</c> of the last failed call declared with <c>SetLastError</c>.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>The message of an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Writes all of <paramref name="data"/>, retrying on EINTR and short writes.</summary>
    /// <exception cref="IOException">The write failed (the message names errno).</exception>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            nint written = Write(fd, data, data.Length);
            if (written < 0)
            {
                int errno = Errno;
                if (errno == EINTR)
                {
                    continue;
                }

                throw new IOException(Describe(errno), errno);
            }

            data = data[(int)written..];
        }
    }
}
