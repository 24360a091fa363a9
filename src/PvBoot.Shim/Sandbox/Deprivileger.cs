using System.Globalization;
using Microsoft.Win32.SafeHandles;
using PvBoot.Shim.Native;

namespace PvBoot.Shim.Sandbox;

/// <summary>What <see cref="Deprivileger.Enter"/> achieved.</summary>
/// <param name="Uid">The uid now in force.</param>
/// <param name="Gid">The gid now in force.</param>
/// <param name="Namespaces">Whether the mount, IPC, network and PID namespaces were unshared.</param>
/// <param name="NamespaceProblem">Why they were not, or <see langword="null"/>.</param>
/// <param name="NetworkNamespace">The network namespace the worker is in (<c>net:[INODE]</c>), or <see langword="null"/> when /proc is unreadable.</param>
/// <param name="NetworkPrepared">Whether that namespace was made ahead by the parent and joined, rather than made by the worker.</param>
/// <param name="Root">What the worker's root is: <c>tmpfs</c> (an empty read-only tmpfs of its own) or <c>directory</c> (an empty, unlinked directory).</param>
/// <param name="LimitProblem">A resource limit that could not be set, or <see langword="null"/>.</param>
/// <param name="Seccomp">The seccomp filter and the check made from inside it, or why there is none (<see cref="SyscallFilter.Install"/>).</param>
/// <param name="SeccompEnforced">Whether that filter is in force.</param>
internal sealed record SandboxState(
    uint Uid,
    uint Gid,
    bool Namespaces,
    string? NamespaceProblem,
    string? NetworkNamespace,
    bool NetworkPrepared,
    string Root,
    string? LimitProblem = null,
    string? Seccomp = null,
    bool SeccompEnforced = false);

/// <summary>The failure of a sandbox step.</summary>
internal sealed class SandboxException(string message) : Exception(message);

/// <summary>
/// Drops a root process's privileges as pygrub's <c>--runas</c> does, and more: new mount/IPC/network/PID namespaces,
/// chroot into an empty read-only <c>nosuid,nodev,noexec</c> tmpfs, rlimits (no processes, no core dumps, no locked
/// memory, no message queues, a file-size cap, an address-space cap, a CPU-time cap), no new privileges, then groups,
/// gid and uid, and last a seccomp filter (<see cref="SyscallFilter"/>).
/// </summary>
/// <remarks>
/// The calls are made in the forked worker (<see cref="ForkedWorker"/>), which has a single thread, so the chroot,
/// the namespaces, the limits and the uid change all apply to the whole process. A PID namespace applies to
/// children, and RLIMIT_NPROC 0 forbids any.
/// </remarks>
internal static class Deprivileger
{
    /// <summary>pygrub's default file-size cap for the deprivileged child (PYGRUB_MAX_FILE_SIZE_MB).</summary>
    public const long PygrubFileSizeLimit = 128L << 20;

    /// <summary>The GC heap limit of every <c>pygrub</c> process (System.GC.HeapHardLimit in the project file; pygrub caps its address space at 256 MiB).</summary>
    public const long HeapLimit = 256L << 20;

    /// <summary>The address-space headroom above what the runtime had mapped when the limits were set.</summary>
    public const long AddressSpaceHeadroom = 256L << 20;

    /// <summary>The uid and gid of <c>nobody</c> from <c>/etc/passwd</c> (65534 when absent). Read before the chroot.</summary>
    public static (uint Uid, uint Gid) Nobody()
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/passwd"))
            {
                string[] fields = line.Split(':');
                if (fields.Length >= 4 && fields[0] == "nobody"
                    && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
                    && uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
                {
                    return (uid, gid);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return (65534, 65534);
    }

    /// <summary>Enters the sandbox. Call only as root, after opening every descriptor the run needs.</summary>
    /// <param name="outputDirectory">The output directory: the worker's empty root is mounted over it (see <see cref="EnterEmptyRoot"/>).</param>
    /// <param name="uid">The uid to drop to.</param>
    /// <param name="gid">The gid to drop to.</param>
    /// <param name="fileSizeLimit">RLIMIT_FSIZE.</param>
    /// <param name="cpuSeconds">RLIMIT_CPU.</param>
    /// <param name="preparedNetwork">
    /// A new, empty network namespace made ahead by <see cref="NetworkNamespace.Prepare"/> (joined and closed here), or
    /// <see langword="null"/> to create one now.
    /// </param>
    /// <exception cref="SandboxException">A step that must succeed failed (chroot, limits, uid change).</exception>
    /// <remarks>No native library may be loaded after this (the root is empty): the readers are fully managed.</remarks>
    public static SandboxState Enter(string outputDirectory, uint uid, uint gid, long fileSizeLimit, int cpuSeconds, NetworkNamespace? preparedNetwork = null)
    {
        ulong? mapped = CurrentAddressSpace();
        (string? namespaceProblem, bool networkPrepared) = EnterNamespaces(preparedNetwork);
        string? networkNamespace = NetworkNamespace.Current();
        string root = EnterEmptyRoot(Path.GetFullPath(outputDirectory), uid, ownMountNamespace: namespaceProblem is null);
        Check(Libc.Chdir("/"), "chdir /");

        string? limitProblem = null;

        SetLimit(Libc.RLIMIT_NPROC, 0);
        SetLimit(Libc.RLIMIT_CORE, 0);
        SetLimit(Libc.RLIMIT_MEMLOCK, 0);
        SetLimit(Libc.RLIMIT_MSGQUEUE, 0);
        SetLimit(Libc.RLIMIT_FSIZE, (ulong)fileSizeLimit);
        if (mapped is ulong bytes)
        {
            SetLimit(Libc.RLIMIT_AS, checked(bytes + (ulong)AddressSpaceHeadroom));
        }
        else
        {
            // Without /proc (a bare chroot) the mapped size is unknown; the GC heap cap still bounds the managed heap.
            limitProblem = "/proc/self/statm is not readable, so no address-space limit was set";
        }

        SetLimit(Libc.RLIMIT_CPU, (ulong)cpuSeconds);
        Check(Libc.Prctl(Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
        Check(Libc.Prctl(Libc.PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)");

        Check(Libc.SetGroups(1, [gid]), "setgroups");
        Check(Libc.SetResGid(gid, gid, gid), "setresgid");
        Check(Libc.SetResUid(uid, uid, uid), "setresuid");
        if (uid != 0 && (Libc.SetResUid(0, 0, 0) == 0 || Libc.GetUid() != uid || Libc.GetEffectiveUid() != uid))
        {
            throw new SandboxException("the uid change did not stick");
        }

        (bool enforced, string seccomp) = SyscallFilter.Install();
        return new SandboxState(Libc.GetUid(), Libc.GetGid(), namespaceProblem is null, namespaceProblem, networkNamespace, networkPrepared, root, limitProblem, seccomp, enforced);
    }

    /// <summary>
    /// Makes the worker's root an empty place it cannot write to, and returns which kind. In its own mount namespace
    /// it mounts an empty read-only <c>nosuid,nodev,noexec</c> tmpfs over the output directory, as pygrub does over
    /// its chroot directory, after making every mount private so that nothing propagates to the host; the outputs
    /// are already open, so hiding the directory costs nothing, and nothing is made or left on disk. Without a mount
    /// namespace (or with <c>/</c> as the output directory), it makes an empty read-only directory in the output
    /// directory, as pygrub's <c>mkdtemp</c> does, chroots into it and unlinks it at once, so that nothing is left
    /// behind however the worker ends.
    /// </summary>
    private static string EnterEmptyRoot(string outputDirectory, uint uid, bool ownMountNamespace)
    {
        const ulong ReadOnly = Libc.MS_RDONLY | Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC;
        if (ownMountNamespace
            && outputDirectory != "/"
            && Libc.Mount(null, "/", null, Libc.MS_REC | Libc.MS_PRIVATE, null) == 0
            && Libc.Mount("pvboot-root", outputDirectory, "tmpfs", ReadOnly, "size=4k,nr_inodes=1,mode=555") == 0)
        {
            Check(Libc.Chroot(outputDirectory), "chroot " + outputDirectory);
            return "tmpfs";
        }

        int parent = Libc.Open(outputDirectory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (parent < 0)
        {
            throw new SandboxException($"open {outputDirectory}: {Libc.Describe(Libc.Errno)}");
        }

        try
        {
            string name = MakeEmptyDirectory(outputDirectory, uid);
            string path = Path.Combine(outputDirectory, name);
            if (Libc.Chroot(path) != 0)
            {
                int error = Libc.Errno;
                _ = Libc.Rmdir(path);
                throw new SandboxException($"chroot {path}: {Libc.Describe(error)}");
            }

            Check(Libc.Unlinkat(parent, name, Libc.AT_REMOVEDIR), "remove the sandbox directory " + path);
            return "directory";
        }
        finally
        {
            _ = Libc.Close(parent);
        }
    }

    /// <summary>Makes an empty directory, read-only to everyone, named after the uid in <paramref name="parent"/>; returns its name.</summary>
    private static string MakeEmptyDirectory(string parent, uint uid)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            string name = uid.ToString(CultureInfo.InvariantCulture) + "-" + Output.OutputFiles.RandomNameSuffix();
            string path = Path.Combine(parent, name);
            if (Libc.Mkdir(path, Convert.ToInt32("700", 8)) == 0)
            {
                if (Libc.Chmod(path, Convert.ToInt32("555", 8)) != 0)
                {
                    int error = Libc.Errno;
                    _ = Libc.Rmdir(path);
                    throw new SandboxException($"cannot make {path} read-only: {Libc.Describe(error)}");
                }

                return name;
            }

            if (Libc.Errno != Libc.EEXIST)
            {
                throw new SandboxException($"cannot create the sandbox directory {path}: {Libc.Describe(Libc.Errno)}");
            }
        }

        throw new SandboxException($"no unused sandbox directory name in {parent}");
    }

    /// <summary>
    /// New mount, IPC and PID namespaces, and the prepared network namespace or a new one: the problem, if any, and
    /// whether the prepared network namespace was joined.
    /// </summary>
    private static (string? Problem, bool NetworkPrepared) EnterNamespaces(NetworkNamespace? preparedNetwork)
    {
        int others = Libc.CLONE_NEWNS | Libc.CLONE_NEWIPC | Libc.CLONE_NEWPID;
        if (preparedNetwork is not null)
        {
            using (preparedNetwork)
            {
                if (preparedNetwork.Join())
                {
                    return (Libc.Unshare(others) == 0 ? null : "unshare(mount, IPC, PID namespaces) failed: " + Libc.Describe(Libc.Errno), true);
                }
            }
        }

        return (Libc.Unshare(others | Libc.CLONE_NEWNET) == 0
            ? null
            : "unshare(mount, IPC, network, PID namespaces) failed: " + Libc.Describe(Libc.Errno), false);
    }

    /// <summary>The bytes mapped now: the first field of <c>/proc/self/statm</c> (pages), or <see langword="null"/> without /proc.</summary>
    private static ulong? CurrentAddressSpace()
    {
        Span<byte> text = stackalloc byte[128];
        int read;
        try
        {
            using SafeFileHandle statm = File.OpenHandle("/proc/self/statm");
            read = RandomAccess.Read(statm, text, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        int end = text[..read].IndexOf((byte)' ');
        return end > 0 && ulong.TryParse(text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out ulong pages)
            ? pages * (ulong)Environment.SystemPageSize
            : null;
    }

    private static void SetLimit(int resource, ulong value)
    {
        // Never raise a limit the caller set lower (ulimit -f, for instance).
        if (Libc.GetRLimit(resource, out Libc.RLimit current) == 0)
        {
            value = Math.Min(value, current.Current);
        }

        var limit = new Libc.RLimit { Current = value, Maximum = value };
        Check(Libc.SetRLimit(resource, limit), "setrlimit " + resource.ToString(CultureInfo.InvariantCulture));
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new SandboxException($"{what}: {Libc.Describe(Libc.Errno)}");
        }
    }
}
