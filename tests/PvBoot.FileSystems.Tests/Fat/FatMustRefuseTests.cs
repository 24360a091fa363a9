using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;
using PvBoot.FileSystems.Fat;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Fat;

/// <summary>The FAT cases of hostile-input §4 (T1, T2) and the cross-file-system ones (G4, G5), each on a patched real fixture.</summary>
[TestFixture]
public sealed class FatMustRefuseTests
{
    private const string Kernel = "/boot/vmlinuz-6.1.0-13-amd64";

    private static FatIsoVolume Fat16 => FatIsoVolume.Fat.Single(v => v.ManifestName == "fat16-mbr");

    private static FatIsoVolume Fat32 => FatIsoVolume.Fat.Single(v => v.ManifestName == "fat32-mbr");

    [Test]
    public void T1_ChainPointingAtItself_IsALoop()
    {
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        uint c0 = node.FirstCluster;
        Patch.UInt16(copy, facts.PartitionOffset + facts.FatEntryOffset(c0), (ushort)c0);
        CorruptImageException error = Patch.Refused(() => ReadKernel(copy, Fat16));
        Patch.AssertNames(error, FatFileSystem.FatStructure, $"entry {c0}", facts.FatEntryOffset(c0));
        Assert.That(error.Problem, Does.Contain("loops"));
    }

    [Test]
    public void T1_TwoClusterCycle_IsALoop()
    {
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        uint c0 = node.FirstCluster;
        uint c1 = c0 + 1;
        Assert.That(facts.Next(c0), Is.EqualTo(c1), "mcopy wrote the kernel contiguously");
        Patch.UInt16(copy, facts.PartitionOffset + facts.FatEntryOffset(c1), (ushort)c0);
        CorruptImageException error = Patch.Refused(() => ReadKernel(copy, Fat16));
        Assert.That(error.Structure, Is.EqualTo(FatFileSystem.FatStructure));
        Assert.That(error.Field, Is.AnyOf($"entry {c0}", $"entry {c1}"));
        uint blamed = uint.Parse(error.Field["entry ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(error.Offset, Is.EqualTo(facts.FatEntryOffset(blamed)));
        Assert.That(error.Problem, Does.Contain("loops"));
    }

    [Test]
    public void T1_NextClusterAtOrBeyondClusterCount_IsRefused()
    {
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        uint c0 = node.FirstCluster;
        Patch.UInt16(copy, facts.PartitionOffset + facts.FatEntryOffset(c0), (ushort)(facts.ClusterCount + 2));
        CorruptImageException error = Patch.Refused(() => ReadKernel(copy, Fat16));
        Patch.AssertNames(error, FatFileSystem.FatStructure, $"entry {c0}", facts.FatEntryOffset(c0));
        Assert.That(error.Problem, Does.Contain("not below"));
    }

    [Test]
    public void T1_FirstClusterBeyondClusterCount_IsRefused()
    {
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        long field = node.EntryOffset + FatDirectoryEntry.Layout.Start;
        Patch.UInt16(copy, facts.PartitionOffset + field, 0xFFF0);
        CorruptImageException error = Patch.Refused(() => ReadKernel(copy, Fat16));
        Patch.AssertNames(error, FatDirectoryEntry.StructureName, "start", field);
    }

    [Test]
    public void T1_ChainLongerThanTheSizeAllows_IsCapped()
    {
        // Shrink the kernel's size to one cluster: the real 24-cluster chain now exceeds ceil(size/cluster)+1 = 2 links.
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        Patch.UInt32(copy, facts.PartitionOffset + node.EntryOffset + FatDirectoryEntry.Layout.FileSize, 100);
        CorruptImageException error = Patch.Refused(() => ReadKernel(copy, Fat16));
        uint second = node.FirstCluster + 1;
        Patch.AssertNames(error, FatFileSystem.FatStructure, $"entry {second}", facts.FatEntryOffset(second));
        Assert.That(error.Problem, Does.Contain("longer than 2 clusters"));
    }

    [TestCase(FatBootSector.Layout.BytesPerSector, 0, "BPB_BytsPerSec", TestName = "T2_BytesPerSectorZero_IsRefused")]
    [TestCase(FatBootSector.Layout.BytesPerSector, 3000, "BPB_BytsPerSec", TestName = "T2_BytesPerSector3000_IsRefused")]
    [TestCase(FatBootSector.Layout.BytesPerSector, 8192, "BPB_BytsPerSec", TestName = "T2_BytesPerSector8192_IsRefused")]
    public void T2_BpbWordField_IsRefused(int offset, int value, string field)
    {
        string copy = Fixtures.WritableCopy(Fat16.ImageName, "bpb");
        Patch.UInt16(copy, Fat16.Range(copy).Offset + offset, (ushort)value);
        AssertBpbRefused(copy, Fat16, field, offset);
    }

    [TestCase(FatBootSector.Layout.SectorsPerCluster, 0, "BPB_SecPerClus", TestName = "T2_SectorsPerClusterZero_IsRefused")]
    [TestCase(FatBootSector.Layout.SectorsPerCluster, 3, "BPB_SecPerClus", TestName = "T2_SectorsPerClusterThree_IsRefused")]
    [TestCase(FatBootSector.Layout.FatCount, 0, "BPB_NumFATs", TestName = "T2_FatCountZero_IsRefused")]
    [TestCase(FatBootSector.Layout.Media, 0x12, "BPB_Media", TestName = "T2_MediaDescriptorInvalid_IsRefused")]
    public void T2_BpbByteField_IsRefused(int offset, int value, string field)
    {
        string copy = Fixtures.WritableCopy(Fat16.ImageName, "bpb");
        Patch.Bytes(copy, Fat16.Range(copy).Offset + offset, (byte)value);
        AssertBpbRefused(copy, Fat16, field, offset);
    }

    [TestCase(0u, TestName = "T2_Fat32RootClusterZero_IsRefused")]
    [TestCase(1u, TestName = "T2_Fat32RootClusterOne_IsRefused")]
    public void T2_Fat32RootCluster_IsRefused(uint value)
    {
        string copy = Fixtures.WritableCopy(Fat32.ImageName, "rootclus");
        int offset = FatExtendedBpb32.Offset + FatExtendedBpb32.Layout.RootCluster;
        Patch.UInt32(copy, Fat32.Range(copy).Offset + offset, value);
        AssertBpbRefused(copy, Fat32, "BPB_RootClus", offset);
    }

    [Test]
    public void T2_Fat32RootClusterBeyondClusterCount_IsRefused()
    {
        string copy = Fixtures.WritableCopy(Fat32.ImageName, "rootclus");
        int offset = FatExtendedBpb32.Offset + FatExtendedBpb32.Layout.RootCluster;
        Patch.UInt32(copy, Fat32.Range(copy).Offset + offset, 0x0FFFFFF0);
        using var source = new DisposableSource(Fat32, copy);
        CorruptImageException error = Patch.Refused(() => FatFileSystem.Open(source.Source, FileSystemBudgets.Default));
        Patch.AssertNames(error, FatBootSector.StructureName, "BPB_RootClus", offset);
    }

    [Test]
    public void T2_FatRegionBeyondTheVolume_IsRefused()
    {
        string copy = Fixtures.WritableCopy(Fat16.ImageName, "fatsz");
        Patch.UInt16(copy, Fat16.Range(copy).Offset + FatBootSector.Layout.SectorsPerFat16, 0xFFFF);
        using var source = new DisposableSource(Fat16, copy);
        CorruptImageException error = Patch.Refused(() => FatFileSystem.Open(source.Source, FileSystemBudgets.Default));
        Patch.AssertNames(error, FatBootSector.StructureName, "BPB_FATSz16", FatBootSector.Layout.SectorsPerFat16);
    }

    [Test]
    public void T2_VolumeLargerThanItsPartition_IsRefused()
    {
        string copy = Fixtures.WritableCopy(Fat32.ImageName, "totsec");
        Patch.UInt32(copy, Fat32.Range(copy).Offset + FatBootSector.Layout.TotalSectors32, 0x7FFFFFFF);
        using var source = new DisposableSource(Fat32, copy);
        CorruptImageException error = Patch.Refused(() => FatFileSystem.Open(source.Source, FileSystemBudgets.Default));
        Patch.AssertNames(error, FatBootSector.StructureName, "BPB_TotSec32", FatBootSector.Layout.TotalSectors32);
    }

    [Test]
    public void G5_HugeFileSize_ChainEndsEarly_IsRefused()
    {
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        Patch.UInt32(copy, facts.PartitionOffset + node.EntryOffset + FatDirectoryEntry.Layout.FileSize, 0xFFFFFFFF);
        using var source = new DisposableSource(Fat16, copy);
        FatFileSystem fs = FatFileSystem.Open(source.Source, FileSystemBudgets.Default with { MaxFileBytes = long.MaxValue });
        FileSystemEntry entry = fs.Lookup(PathBytes.FromConfigText(Kernel))!;
        var buffer = new byte[100];
        CorruptImageException error = Patch.Refused(() => fs.Read(entry, 0, buffer));
        Assert.That(error.Structure, Is.EqualTo(FatFileSystem.FatStructure));
        Assert.That(error.Problem, Does.Contain("ends after 24 clusters"));
    }

    [Test]
    public void G5_HugeFileSize_OverTheOutputCap_IsRefusedBeforeWriting()
    {
        (string copy, FatNode node, FatFacts facts) = Prepare(Fat16, Kernel);
        Patch.UInt32(copy, facts.PartitionOffset + node.EntryOffset + FatDirectoryEntry.Layout.FileSize, 0xFFFFFFFF);
        using var source = new DisposableSource(Fat16, copy);
        FatFileSystem fs = FatFileSystem.Open(source.Source, FileSystemBudgets.Default);
        FileSystemEntry entry = fs.Lookup(PathBytes.FromConfigText(Kernel))!;
        using var output = new MemoryStream();
        CorruptImageException error = Patch.Refused(() => fs.CopyTo(entry, output));
        Assert.That(error.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
        Assert.That(output.Length, Is.Zero);
        Patch.AssertNames(error, FatDirectoryEntry.StructureName, "size", node.EntryOffset + FatDirectoryEntry.Layout.FileSize);
    }

    [Test]
    public void G3_ADirectoryIsNotCopiedAsAKernel()
    {
        (string copy, FatNode boot, FatFacts facts) = Prepare(Fat16, "/boot");
        using var source = new DisposableSource(Fat16, copy);
        FatFileSystem fs = FatFileSystem.Open(source.Source, FileSystemBudgets.Default);
        CorruptImageException error = Patch.Refused(() => fs.CopyTo(fs.Lookup("/boot"u8)!, Stream.Null));
        Patch.AssertNames(error, FatDirectoryEntry.StructureName, "attr", boot.EntryOffset + FatDirectoryEntry.Layout.Attributes);
    }

    [Test]
    public void G4_SubdirectoryPointingAtItsParent_StaysBounded()
    {
        // /boot/grub's entry is made to start at /boot's own cluster: /boot/grub/grub/... is an endless directory cycle.
        (string copy, FatNode grub, FatFacts facts) = Prepare(Fat16, "/boot/grub");
        (_, FatNode boot, _) = Prepare(Fat16, "/boot");
        Patch.UInt16(copy, facts.PartitionOffset + grub.EntryOffset + FatDirectoryEntry.Layout.Start, (ushort)boot.FirstCluster);
        using var source = new DisposableSource(Fat16, copy);
        FatFileSystem fs = FatFileSystem.Open(source.Source, FileSystemBudgets.Default);
        string deep = "/boot" + string.Concat(Enumerable.Repeat("/grub", 800)) + "/vmlinuz-6.1.0-13-amd64";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        FileSystemEntry? found = fs.Lookup(PathBytes.FromConfigText(deep));
        Assert.That(watch.Elapsed, Is.LessThan(Patch.TimeBound));
        Assert.That(found?.Type, Is.EqualTo(FileSystemEntryType.Regular), "the cycle is resolved inside the image, one level per component");
        string tooDeep = "/boot" + string.Concat(Enumerable.Repeat("/grub", 1000));
        CorruptImageException error = Patch.Refused(() => fs.Lookup(PathBytes.FromConfigText(tooDeep)));
        Assert.That(error.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
    }

    private static void AssertBpbRefused(string copy, FatIsoVolume volume, string field, int offset)
    {
        using var source = new DisposableSource(volume, copy);
        Assert.That(FatFileSystem.Matches(source.Source), Is.False, "the probe must not claim a volume with an insane BPB");
        CorruptImageException error = Patch.Refused(() => FatFileSystem.Open(source.Source, FileSystemBudgets.Default));
        Patch.AssertNames(error, FatBootSector.StructureName, field, offset);
    }

    private static void ReadKernel(string copy, FatIsoVolume volume)
    {
        using var source = new DisposableSource(volume, copy);
        FatFileSystem fs = FatFileSystem.Open(source.Source, FileSystemBudgets.Default);
        FileSystemEntry entry = fs.Lookup(PathBytes.FromConfigText(Kernel))!;
        fs.CopyTo(entry, Stream.Null);
    }

    /// <summary>A writable copy of the fixture and the node of <paramref name="path"/> in the original.</summary>
    private static (string Copy, FatNode Node, FatFacts Facts) Prepare(FatIsoVolume volume, string path)
    {
        string copy = Fixtures.WritableCopy(volume.ImageName, "patch");
        using var source = new DisposableSource(volume, copy);
        FatFileSystem fs = FatFileSystem.Open(source.Source, FileSystemBudgets.Default);
        var entry = (ReaderEntry<FatNode>)fs.Lookup(PathBytes.FromConfigText(path))!;
        return (copy, entry.Node, new FatFacts(fs, copy, volume.Range(copy).Offset));
    }

    private sealed class FatFacts(FatFileSystem fs, string copy, long partitionOffset)
    {
        public long PartitionOffset { get; } = partitionOffset;

        public uint ClusterCount { get; } = fs.ClusterCount;

        private readonly long fatStart = fs.FatEntryOffset(0);

        private readonly int fatBits = fs.FatBits;

        public long FatEntryOffset(uint cluster) => fatStart + (fatBits == 12 ? cluster * 3L / 2 : cluster * (long)(fatBits / 8));

        public uint Next(uint cluster)
        {
            using FileStream stream = File.OpenRead(copy);
            stream.Position = PartitionOffset + FatEntryOffset(cluster);
            byte[] two = new byte[2];
            stream.ReadExactly(two);
            return BitConverter.ToUInt16(two);
        }
    }

    private sealed class DisposableSource : IDisposable
    {
        private readonly IDisposable owner;

        public DisposableSource(FatIsoVolume volume, string path) => Source = volume.OpenSource(path, out owner);

        public PvBoot.Core.BlockSources.IBlockSource Source { get; }

        public void Dispose() => owner.Dispose();
    }
}
