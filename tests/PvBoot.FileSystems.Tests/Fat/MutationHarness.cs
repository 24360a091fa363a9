using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Fat;

/// <summary>
/// Flips bytes in the metadata region of a real fixture and reads every manifest file. FAT and ISO9660 carry no
/// metadata checksums, so a flipped size or cluster byte can legitimately give other bytes; the property is the
/// exception contract (only <see cref="CorruptImageException"/>) and the time bound, while each run also counts how
/// many files still matched their manifest hash.
/// </summary>
internal static class MutationHarness
{
    public static readonly TimeSpan PerImageBound = TimeSpan.FromSeconds(3);

    public static Property Run(byte[] pristine, int regionStart, int regionEnd, IReadOnlyList<ManifestEntry> manifest,
        Func<IBlockSource, IFileSystemReader> open, int seed, int flipCount)
    {
        (TimeSpan elapsed, int matched, int refused, int flips) = Evaluate(pristine, regionStart, regionEnd, manifest, open, seed, flipCount);
        return (elapsed < PerImageBound).Label($"seed {seed}, {flips} flips: {elapsed.TotalMilliseconds:F0} ms, {matched} files matched, {refused} refusals");
    }

    /// <summary>One mutant: how long it took, how many files still matched, how many refusals were raised.</summary>
    public static (TimeSpan Elapsed, int Matched, int Refused, int Flips) Evaluate(byte[] pristine, int regionStart, int regionEnd,
        IReadOnlyList<ManifestEntry> manifest, Func<IBlockSource, IFileSystemReader> open, int seed, int flipCount)
    {
        byte[] bytes = (byte[])pristine.Clone();
        var random = new Random(seed);
        int flips = 1 + (flipCount % 8);
        for (int i = 0; i < flips; i++)
        {
            bytes[random.Next(regionStart, regionEnd)] ^= (byte)random.Next(1, 256);
        }

        var watch = Stopwatch.StartNew();
        int matched = 0;
        int refused = 0;
        try
        {
            IFileSystemReader fs = open(new MemoryBlockSource(bytes, "mutant.img"));
            if (fs.Lookup("/"u8) is { Type: FileSystemEntryType.Directory } root)
            {
                Guard(() => fs.ListDirectory(root), ref refused);
            }

            foreach (ManifestEntry file in manifest)
            {
                Guard(() =>
                {
                    FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(file.Path));
                    if (entry is { Type: FileSystemEntryType.Regular } && entry.Size <= 16 * 1024 * 1024)
                    {
                        using var output = new MemoryStream();
                        fs.CopyTo(entry, output);
                        if (Fixtures.Sha256(output.ToArray()) == file.Sha256)
                        {
                            matched++;
                        }
                    }
                }, ref refused);
            }
        }
        catch (CorruptImageException)
        {
            refused++;
        }

        return (watch.Elapsed, matched, refused, flips);
    }

    private static void Guard(Action action, ref int refused)
    {
        try
        {
            action();
        }
        catch (CorruptImageException)
        {
            refused++;
        }
    }
}
