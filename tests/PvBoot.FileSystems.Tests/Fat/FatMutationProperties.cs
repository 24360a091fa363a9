using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Fat;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Fat;

public sealed class FatMutationProperties
{
    private static readonly Lazy<(byte[] Bytes, int MetadataEnd)> Fat12 = new(() => Load("fat12"));
    private static readonly Lazy<(byte[] Bytes, int MetadataEnd)> Fat32 = new(() => Load("fat32-esp-gpt"));

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property Fat12_MetadataByteFlips_GiveBytesOrCorruptImageOnly(int seed, byte flips)
        => MutationHarness.Run(Fat12.Value.Bytes, 0, Fat12.Value.MetadataEnd, Fixtures.Manifest("fat12"), Open, seed, flips);

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Fat32Esp_MetadataByteFlips_GiveBytesOrCorruptImageOnly(int seed, byte flips)
        => MutationHarness.Run(Fat32.Value.Bytes, 0, Fat32.Value.MetadataEnd, Fixtures.Manifest("fat32-esp-gpt"), Open, seed, flips);

    [Test]
    public void Mutants_AreBothRefusedAndReadAcrossSeeds()
    {
        int refused = 0;
        int matched = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var outcome = MutationHarness.Evaluate(Fat12.Value.Bytes, 0, Fat12.Value.MetadataEnd, Fixtures.Manifest("fat12"), Open, seed, 3);
            refused += outcome.Refused;
            matched += outcome.Matched;
        }

        Assert.That(refused, Is.GreaterThan(0), "no mutant was ever refused: the property would be vacuous");
        Assert.That(matched, Is.GreaterThan(0), "no mutant was ever read: the property would be vacuous");
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property BootSectorParse_AnyBytes_ThrowsOnlyCorruptImage(byte[] bytes)
    {
        try
        {
            FatBootSector.Parse(bytes, 0, "random");
        }
        catch (PvBoot.Core.CorruptImageException)
        {
        }

        return true.ToProperty();
    }

    private static FatFileSystem Open(IBlockSource source) => FatFileSystem.Open(source, FileSystemBudgets.Default);

    /// <summary>The volume's bytes and where metadata ends: the boot sector, FATs and root, plus the first 64 clusters (mcopy writes directories first).</summary>
    private static (byte[] Bytes, int MetadataEnd) Load(string manifestName)
    {
        FatIsoVolume volume = FatIsoVolume.Fat.Single(v => v.ManifestName == manifestName);
        (long offset, long length) = volume.Range(volume.ImagePath);
        byte[] bytes = new byte[length];
        using (FileStream stream = File.OpenRead(volume.ImagePath))
        {
            stream.Position = offset;
            stream.ReadExactly(bytes);
        }

        FatFileSystem fs = FatFileSystem.Open(new MemoryBlockSource(bytes, manifestName), FileSystemBudgets.Default);
        long end = fs.ClusterOffset(2) + (64L * fs.BytesPerCluster);
        return (bytes, (int)Math.Min(end, bytes.Length));
    }
}
