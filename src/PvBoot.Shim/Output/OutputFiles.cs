using PvBoot.Shim.Native;

namespace PvBoot.Shim.Output;

/// <summary>
/// The kernel and ramdisk files in the output directory, created as Python's <c>tempfile.mkstemp</c> creates them
/// (a prefix and 8 random characters from <c>[a-z0-9_]</c>, <c>O_CREAT|O_EXCL|O_NOFOLLOW</c>, mode 0600), plus the
/// <c>--output</c> descriptor. Unless <see cref="Commit"/> is called, <see cref="Dispose"/> removes every file it made.
/// </summary>
internal sealed class OutputFiles : IDisposable
{
    /// <summary>The characters of mkstemp's random part.</summary>
    public const string NameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";

    private const int Attempts = 10000;

    private bool committed;
    private bool ramdiskKept = true;

    private OutputFiles()
    {
    }

    /// <summary>The kernel file's path, or <see langword="null"/> when none is made.</summary>
    public string? KernelPath { get; private set; }

    /// <summary>The kernel file's descriptor, or -1.</summary>
    public int KernelFd { get; private set; } = -1;

    /// <summary>The ramdisk file's path, or <see langword="null"/> when none is made.</summary>
    public string? RamdiskPath { get; private set; }

    /// <summary>The ramdisk file's descriptor, or -1.</summary>
    public int RamdiskFd { get; private set; } = -1;

    /// <summary>The <c>--output</c> descriptor, or -1 for standard output.</summary>
    public int OutputFd { get; private set; } = -1;

    /// <summary>Creates the two files in <paramref name="directory"/> (when <paramref name="createFiles"/>) and opens <paramref name="output"/>.</summary>
    /// <exception cref="IOException">A file could not be created or opened; nothing is left behind.</exception>
    public static OutputFiles Create(string directory, bool createFiles, string? output)
    {
        var files = new OutputFiles();
        try
        {
            if (createFiles)
            {
                (files.KernelPath, files.KernelFd) = CreateUnique(directory, "boot_kernel.");
                (files.RamdiskPath, files.RamdiskFd) = CreateUnique(directory, "boot_ramdisk.");
            }

            if (output is not null)
            {
                // As pygrub: write-only, never created or truncated (libxl pre-creates a file; xend passed a FIFO).
                int fd = Libc.Open(output, Libc.O_WRONLY | Libc.O_NOCTTY, 0);
                if (fd < 0)
                {
                    throw new IOException($"cannot open the output {output}: {Libc.Describe(Libc.Errno)}");
                }

                files.OutputFd = fd;
            }

            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>Makes one <c>PREFIXxxxxxxxx</c> file as mkstemp does.</summary>
    public static (string Path, int Fd) CreateUnique(string directory, string prefix, Func<string>? suffixes = null)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            // mkstemp returns os.path.abspath of the name, which pygrub reports.
            string path = Path.GetFullPath(Path.Combine(directory, prefix + (suffixes ?? RandomNameSuffix)()));
            int fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, Convert.ToInt32("600", 8));
            if (fd >= 0)
            {
                return (path, fd);
            }

            int errno = Libc.Errno;
            if (errno != Libc.EEXIST)
            {
                throw new IOException($"cannot create {path}: {Libc.Describe(errno)}");
            }
        }

        throw new IOException($"no unused {prefix}XXXXXXXX name in {directory}");
    }

    /// <summary>8 random characters from <see cref="NameAlphabet"/>.</summary>
    /// <remarks>
    /// As mkstemp's names, these need not be secret: O_EXCL and O_NOFOLLOW make a guessed or planted name harmless.
    /// <see cref="Random.Shared"/> is seeded by the kernel and, unlike the cryptographic generator, does not load OpenSSL.
    /// </remarks>
    public static string RandomNameSuffix() => new(Random.Shared.GetItems(NameAlphabet.AsSpan(), 8));

    /// <summary>Keeps the files (the run succeeded); the ramdisk file is removed when there is no ramdisk.</summary>
    public void Commit(bool ramdiskUsed)
    {
        committed = true;
        ramdiskKept = ramdiskUsed;
    }

    /// <summary>Closes the descriptors and removes what must not stay.</summary>
    public void Dispose()
    {
        CloseFd(KernelFd);
        CloseFd(RamdiskFd);
        CloseFd(OutputFd);
        KernelFd = RamdiskFd = OutputFd = -1;
        if (!committed)
        {
            Remove(KernelPath);
            KernelPath = null;
        }

        if (!committed || !ramdiskKept)
        {
            Remove(RamdiskPath);
            RamdiskPath = null;
        }
    }

    private static void CloseFd(int fd)
    {
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
        }
    }

    private static void Remove(string? path)
    {
        if (path is not null)
        {
            _ = Libc.Unlink(path);
        }
    }
}
