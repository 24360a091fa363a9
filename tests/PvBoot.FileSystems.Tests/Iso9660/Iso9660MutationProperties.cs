using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;
using PvBoot.FileSystems.Iso9660;
using PvBoot.FileSystems.Tests.Fat;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Iso9660;

public sealed class Iso9660MutationProperties
{
    private static readonly Lazy<(byte[] Bytes, int MetadataEnd)> Plain = new(() => Load("iso-plain"));

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property IsoPlain_MetadataByteFlips_GiveBytesOrCorruptImageOnly(int seed, byte flips)
        => MutationHarness.Run(Plain.Value.Bytes, 16 * 2048, Plain.Value.MetadataEnd, Fixtures.Manifest("iso-plain"), Open, seed, flips);

    [Test]
    public void Mutants_AreBothRefusedAndReadAcrossSeeds()
    {
        int refused = 0;
        int matched = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            var outcome = MutationHarness.Evaluate(Plain.Value.Bytes, 16 * 2048, Plain.Value.MetadataEnd, Fixtures.Manifest("iso-plain"), Open, seed, 3);
            refused += outcome.Refused;
            matched += outcome.Matched;
        }

        Assert.That(refused, Is.GreaterThan(0));
        Assert.That(matched, Is.GreaterThan(0));
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property DirectoryRecordAndSuspParsers_AnyBytes_ThrowOnlyCorruptImage(byte[] bytes)
    {
        Swallow(() => IsoDirectoryRecord.Parse(bytes, 0, "random"));
        Swallow(() => SuspEntry.Parse(bytes, 0, "random"));
        Swallow(() => SuspCe.Parse(bytes, 0, "random"));
        Swallow(() => RrNm.Parse(bytes, 0, "random"));
        Swallow(() => RrPx.Parse(bytes, 0, "random"));
        Swallow(() => RrSl.Parse(bytes, 0, "random", new RrSl.SymlinkBuilder(), 4096));
        Swallow(() => IsoPrimaryVolumeDescriptor.Parse(bytes, 0, "random"));
        return true.ToProperty();
    }

    private static void Swallow(Action action)
    {
        try
        {
            action();
        }
        catch (CorruptImageException)
        {
        }
    }

    private static Iso9660FileSystem Open(IBlockSource source) => Iso9660FileSystem.Open(source, FileSystemBudgets.Default);

    /// <summary>The image and where its metadata (descriptors, path tables, directories, CE areas) ends: the first file byte.</summary>
    private static (byte[] Bytes, int MetadataEnd) Load(string name)
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.Image(name));
        Iso9660FileSystem fs = Iso9660FileSystem.Open(new MemoryBlockSource(bytes, name), FileSystemBudgets.Default);
        long firstData = bytes.Length;
        foreach (ManifestEntry file in Fixtures.Manifest(name))
        {
            var entry = (ReaderEntry<IsoNode>)fs.Lookup(PathBytes.FromConfigText(file.Path))!;
            foreach ((long offset, long length) in entry.Node.Extents)
            {
                if (length > 0)
                {
                    firstData = Math.Min(firstData, offset);
                }
            }
        }

        return (bytes, (int)firstData);
    }
}
