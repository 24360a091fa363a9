using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace PvBoot.Testing;

/// <summary>One file recorded in a fixture manifest: which image, which path, what bytes.</summary>
internal sealed record ManifestEntry(string Image, string Path, long Size, string Sha256);

/// <summary>Access to the images made by <c>tests/fixtures/make-fixtures.sh</c> and their manifests.</summary>
internal static class Fixtures
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Unpacked = new();

    /// <summary>The repository root (the directory holding PvBoot.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>tests/fixtures.</summary>
    public static string Directory => Path.Combine(RepositoryRoot, "tests", "fixtures");

    /// <summary>A scratch directory for this test run, under out/ (never outside the repository).</summary>
    public static string WorkDirectory { get; } = CreateWorkDirectory();

    /// <summary>Decompresses <c>images/NAME.img.gz</c> once per run and returns the path of the raw image.</summary>
    public static string Image(string name) => Unpacked.GetOrAdd(name, n => new Lazy<string>(() => Unpack(n))).Value;

    /// <summary>Reads every manifest line for <paramref name="image"/> (manifests live in <c>tests/fixtures/manifests/*.tsv</c>).</summary>
    public static IReadOnlyList<ManifestEntry> Manifest(string image)
    {
        var entries = new List<ManifestEntry>();
        foreach (string file in System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "manifests"), "*.tsv"))
        {
            foreach (string line in File.ReadLines(file))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                string[] f = line.Split('\t');
                if (f.Length == 4 && f[0] == image)
                {
                    entries.Add(new ManifestEntry(f[0], f[1], long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), f[3]));
                }
            }
        }

        return entries;
    }

    /// <summary>A fresh copy of an image that a test may patch (sparse: blocks of zeros take no disk space).</summary>
    public static string WritableCopy(string name, string suffix)
    {
        string copy = Path.Combine(WorkDirectory, $"{name}.{suffix}.{Guid.NewGuid():N}.img");
        using (FileStream input = File.OpenRead(Image(name)))
        {
            WriteSparse(input, copy);
        }

        return copy;
    }

    /// <summary>Lower-case hexadecimal SHA-256 of bytes.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Unpack(string name)
    {
        string source = Path.Combine(Directory, "images", name + ".img.gz");
        string target = Path.Combine(WorkDirectory, name + ".img");
        using (var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress))
        {
            WriteSparse(input, target);
        }

        return target;
    }

    /// <summary>
    /// Copies <paramref name="input"/> to a new file, skipping 4 KiB blocks of zeros so the images (mostly zeros, up to
    /// hundreds of MiB each) cost little disk space however many copies the tests patch.
    /// </summary>
    private static void WriteSparse(Stream input, string target)
    {
        const int Block = 4096;
        using SafeFileHandle output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write);
        byte[] buffer = new byte[1 << 20];
        long length = 0;
        int read;
        while ((read = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            for (int offset = 0; offset < read; offset += Block)
            {
                ReadOnlySpan<byte> block = buffer.AsSpan(offset, Math.Min(Block, read - offset));
                if (block.ContainsAnyExcept((byte)0))
                {
                    RandomAccess.Write(output, block, length + offset);
                }
            }

            length += read;
        }

        RandomAccess.SetLength(output, length);
    }

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "PvBoot.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("PvBoot.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>out/test-work/PID, removed when the test process exits (set PVBOOT_KEEP_TEST_WORK=1 to keep it).</summary>
    private static string CreateWorkDirectory()
    {
        string dir = Path.Combine(FindRoot(), "out", "test-work", $"{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(dir);
        if (Environment.GetEnvironmentVariable("PVBOOT_KEEP_TEST_WORK") != "1")
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(dir);
        }

        return dir;
    }

    private static void DeleteQuietly(string dir)
    {
        try
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a child process; the next run's directory is a new one anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // Left by a test that dropped privileges; harmless.
        }
    }
}
