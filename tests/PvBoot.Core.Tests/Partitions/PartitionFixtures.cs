using System.Globalization;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Partitions;
using PvBoot.Testing;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>A partition as the fixture script recorded it from the tool that made it (sfdisk, sgdisk, lvm, xorriso).</summary>
internal sealed record ToolLayout(string Image, string GrubName, long Offset, long Length);

/// <summary>Access to the partition fixtures and what the tools reported about them.</summary>
internal static class PartitionFixtures
{
    /// <summary>
    /// The <c>#layout</c> lines of the manifests (partitions.tsv, boot-volumes.tsv) for one image, in the order they
    /// were recorded.
    /// </summary>
    public static IReadOnlyList<ToolLayout> Layout(string image)
    {
        var result = new List<ToolLayout>();
        foreach (string manifest in Directory.EnumerateFiles(Path.Combine(Fixtures.Directory, "manifests"), "*.tsv").Order(StringComparer.Ordinal))
        {
            foreach (string line in File.ReadLines(manifest))
            {
                string[] f = line.Split('\t');
                if (f.Length == 5 && f[0] == "#layout" && f[1] == image)
                {
                    result.Add(new ToolLayout(f[1], f[2], long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture)));
                }
            }
        }

        return result;
    }

    /// <summary>Runs discovery over a fixture image file, held in memory so the candidates stay readable.</summary>
    public static IReadOnlyList<PartitionCandidate> Discover(string path, PartitionDiscoveryOptions? options = null)
        => PartitionDiscovery.Discover(new MemoryBlockSource(File.ReadAllBytes(path), path), options);

    /// <summary>Checks that every recorded payload (manifest path = GRUB name) is found at the start of that candidate.</summary>
    public static void AssertPayloads(string image, IReadOnlyList<PartitionCandidate> candidates)
    {
        var payloads = Fixtures.Manifest(image).Where(e => !e.Path.StartsWith('/')).ToList();
        Assert.That(payloads, Is.Not.Empty, "the manifest records partition payloads");
        foreach (ManifestEntry entry in payloads)
        {
            PartitionCandidate? candidate = candidates.SingleOrDefault(c => c.GrubName == entry.Path);
            Assert.That(candidate, Is.Not.Null, $"candidate {entry.Path}");
            byte[] bytes = new byte[entry.Size];
            candidate!.Source.ReadExactly(0, bytes);
            Assert.That(Fixtures.Sha256(bytes), Is.EqualTo(entry.Sha256), $"payload at the start of {entry.Path}");
        }
    }
}
