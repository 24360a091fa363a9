using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Xfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Xfs;

/// <summary>
/// Random byte changes in the metadata blocks a read touches: the reader returns the right bytes or a
/// <see cref="CorruptImageException"/>, never another exception, within a time bound; on v5, wrong bytes are never
/// returned without a checksum warning.
/// </summary>
public class XfsMutationProperties
{
    private static readonly string[] Images = ["xfs-v5", "xfs-v4-noftype", "xfs-frag"];
    private static readonly string[] Directories = ["/", "/boot", "/sf", "/blockdir", "/leafdir"];
    private static readonly string[] Symlinks = ["/boot/vmlinuz", "/remote-link", "/local-link"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly Dictionary<string, Lazy<List<(long Offset, int Length)>>> MetadataRanges =
        Images.ToDictionary(i => i, i => new Lazy<List<(long, int)>>(() => RecordMetadata(i)));

    private static readonly FileSystemBudgets Budgets = new() { MaxFileBytes = 64L * 1024 * 1024 };

    [FsCheck.NUnit.Property(MaxTest = 120)]
    public Property RandomMetadataMutations_GiveCorrectBytesOrCorruptImage(NonNegativeInt which, int seed)
    {
        string image = Images[which.Get % Images.Length];
        List<(long Offset, int Length)> ranges = MetadataRanges[image].Value;
        var random = new Random(seed);
        var mutations = new Dictionary<long, byte>();
        int count = random.Next(1, 9);
        for (int i = 0; i < count; i++)
        {
            (long offset, int length) = ranges[random.Next(ranges.Count)];
            // Half of the changes hit the first 128 bytes (headers, inode cores, fork roots), the rest anywhere.
            int within = random.Next(2) == 0 ? Math.Min(length, 128) : length;
            mutations[offset + random.Next(within)] = (byte)random.Next(1, 256);
        }

        using var file = new FileBlockSource(Fixtures.Image(image));
        var source = new MutatedBlockSource(file, mutations);
        var stopwatch = Stopwatch.StartNew();
        string outcome;
        bool warned = false;
        try
        {
            IFileSystemReader reader = XfsFileSystem.Open(source, Budgets);
            outcome = Walk(reader, image) ? "correct" : "different";
            warned = reader.Warnings.Count > 0;
        }
        catch (CorruptImageException)
        {
            outcome = "refused";
        }

        stopwatch.Stop();
        bool v5 = image != "xfs-v4-noftype";
        return (stopwatch.Elapsed < Bound && (!v5 || outcome != "different" || warned))
            .Label($"{image} seed {seed}: {outcome}, warned {warned}, {stopwatch.Elapsed.TotalMilliseconds:F0} ms, mutations {string.Join(",", mutations.Select(m => $"{m.Key}={m.Value}"))}")
            .Collect($"{image} {outcome}");
    }

    /// <summary>Reads every manifest file, lists the directories and reads the symlinks; true if every byte is as expected.</summary>
    private static bool Walk(IFileSystemReader reader, string image, bool readData = true)
    {
        bool same = true;
        foreach (ManifestEntry entry in Fixtures.Manifest(image))
        {
            FileSystemEntry? file = reader.Lookup(PathBytes.FromConfigText(entry.Path));
            if (file is null || file.Type != FileSystemEntryType.Regular)
            {
                same = false;
                continue;
            }

            if (file.Size != entry.Size)
            {
                same = false;
            }
            else if (readData && entry.Size <= SampledAbove)
            {
                using var output = new MemoryStream();
                reader.CopyTo(file, output);
                same &= Fixtures.Sha256(output.ToArray()) == entry.Sha256;
            }
            else if (readData)
            {
                same &= Sample(reader, file) == Samples[(image, entry.Path)];
            }
        }

        foreach (string path in Directories.Concat(Symlinks))
        {
            FileSystemEntry? entry = reader.Lookup(PathBytes.FromConfigText(path), followFinalSymlink: false);
            if (entry?.Type == FileSystemEntryType.Directory)
            {
                _ = reader.ListDirectory(entry);
            }
            else if (entry?.Type == FileSystemEntryType.Symlink)
            {
                _ = reader.ReadSymlinkTarget(entry);
            }
        }

        return same;
    }

    /// <summary>Files above this size (the 50 MiB bmbt file) are checked by three 1 MiB samples to keep each case short.</summary>
    private const long SampledAbove = 16L * 1024 * 1024;

    private static readonly Dictionary<(string, string), string> Samples = [];

    private static string Sample(IFileSystemReader reader, FileSystemEntry file)
    {
        byte[] buffer = new byte[3 << 20];
        long[] offsets = [0, file.Size / 2, file.Size - (1 << 20)];
        for (int i = 0; i < offsets.Length; i++)
        {
            _ = reader.Read(file, offsets[i], buffer.AsSpan(i << 20, 1 << 20));
        }

        return Fixtures.Sha256(buffer);
    }

    private static List<(long, int)> RecordMetadata(string image)
    {
        var clean = XfsFileSystem.Open(new FileBlockSource(Fixtures.Image(image)), FileSystemBudgets.Default);
        foreach (ManifestEntry entry in Fixtures.Manifest(image).Where(e => e.Size > SampledAbove))
        {
            FileSystemEntry big = XfsImages.Lookup(clean, entry.Path);
            Assert.That(Fixtures.Sha256(XfsImages.ReadAll(clean, big)), Is.EqualTo(entry.Sha256));
            lock (Samples)
            {
                Samples[(image, entry.Path)] = Sample(clean, big);
            }
        }

        using var file = new FileBlockSource(Fixtures.Image(image));
        var recording = new Common.RecordingBlockSource(file);
        IFileSystemReader reader = XfsFileSystem.Open(recording, FileSystemBudgets.Default);
        Assert.That(Walk(reader, image, readData: false), Is.True);
        Assert.That(recording.Reads, Is.Not.Empty);
        return recording.Reads.Distinct().ToList();
    }

    private sealed class MutatedBlockSource(IBlockSource inner, Dictionary<long, byte> xor) : IBlockSource
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public void ReadExactly(long offset, Span<byte> destination)
        {
            inner.ReadExactly(offset, destination);
            foreach ((long at, byte value) in xor)
            {
                if (at >= offset && at < offset + destination.Length)
                {
                    destination[(int)(at - offset)] ^= value;
                }
            }
        }
    }
}
