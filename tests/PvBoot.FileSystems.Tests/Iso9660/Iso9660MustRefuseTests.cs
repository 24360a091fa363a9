using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Iso9660;
using PvBoot.FileSystems.Tests.Fat;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Iso9660;

/// <summary>The ISO9660 cases of hostile-input §4 (T3, T4, T5) and the cross-file-system ones (G1-G5), each from the real xorriso fixture.</summary>
[TestFixture]
public sealed class Iso9660MustRefuseTests
{
    private const string Image = "iso-plain";
    private const string Kernel = "/boot/vmlinuz-6.1.0-13-amd64";

    [TestCase(1, TestName = "T3_RecordLengthOne_IsRefused")]
    [TestCase(32, TestName = "T3_RecordLength32_IsRefused")]
    [TestCase(33, TestName = "T3_RecordLength33WithoutName_IsRefused")]
    public void T3_RecordLengthBelowFixedPart_IsRefused(int length)
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find("/boot");
        Patch.Bytes(copy, record + IsoDirectoryRecord.Layout.Length, (byte)length);
        AssertRefused(copy, Kernel, IsoDirectoryRecord.StructureName, "length", record + IsoDirectoryRecord.Layout.Length);
    }

    [Test]
    public void T3_NameLengthBeyondRecord_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find("/boot");
        Patch.Bytes(copy, record + IsoDirectoryRecord.Layout.NameLength, 255);
        AssertRefused(copy, Kernel, IsoDirectoryRecord.StructureName, "name_len", record + IsoDirectoryRecord.Layout.NameLength);
    }

    [Test]
    public void T4_SuspEntryLengthZero_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find("/boot");
        long entry = iso.Entries(record).First().Offset;
        Patch.Bytes(copy, entry + SuspEntry.Layout.Length, 0);
        AssertRefused(copy, Kernel, SuspEntry.StructureName, "LEN", entry + SuspEntry.Layout.Length);
    }

    [Test]
    public void T4_NmEntryOfFourBytes_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find("/boot");
        long nm = iso.Entry(record, "NM");
        Patch.Bytes(copy, nm + SuspEntry.Layout.Length, 4);
        AssertRefused(copy, Kernel, RrNm.StructureName, "LEN", nm + SuspEntry.Layout.Length);
    }

    [Test]
    public void T4_ContinuationOutsideTheImage_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = LongNameRecord(iso);
        long ce = iso.Entry(record, "CE");
        Patch.UInt32(copy, ce + SuspCe.Layout.Block, 0x00FFFFFF);
        AssertRefused(copy, "/links/none", SuspCe.StructureName, "block", ce + SuspCe.Layout.Block);
    }

    [Test]
    public void T4_ContinuationPointingAtItself_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = LongNameRecord(iso);
        long ce = iso.Entry(record, "CE");
        long area = iso.SystemUseArea(record);
        Patch.UInt32(copy, ce + SuspCe.Layout.Block, (uint)(area / 2048));
        Patch.UInt32(copy, ce + SuspCe.Layout.Offset, (uint)(area % 2048));
        Patch.UInt32(copy, ce + SuspCe.Layout.Length, (uint)Math.Min(64, 2048 - (area % 2048)));
        CorruptImageException error = AssertRefused(copy, "/links/none", SuspCe.StructureName, "block", ce + SuspCe.Layout.Block);
        Assert.That(error.Problem, Does.Contain("CE loop"));
    }

    [Test]
    public void T4_SymlinkComponentPastItsEntry_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find("/boot/vmlinuz");
        long sl = iso.Entry(record, "SL");
        long componentLength = sl + RrSl.Layout.Components + RrSl.ComponentLayout.Length;
        Patch.Bytes(copy, componentLength, 250);
        AssertRefused(copy, "/boot/vmlinuz", RrSl.StructureName, "component_len", componentLength);
    }

    [Test]
    public void T5_ExtentPastTheVolume_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find(Kernel);
        Patch.UInt32(copy, record + IsoDirectoryRecord.Layout.Extent, iso.VolumeSpaceSize);
        AssertRefused(copy, Kernel, IsoDirectoryRecord.StructureName, "extent", record + IsoDirectoryRecord.Layout.Extent);
    }

    [Test]
    public void T5_FileSizePastTheVolume_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find(Kernel);
        Patch.UInt32(copy, record + IsoDirectoryRecord.Layout.Size, 0xFFFFFFFF);
        AssertRefused(copy, Kernel, IsoDirectoryRecord.StructureName, "extent", record + IsoDirectoryRecord.Layout.Extent);
    }

    [Test]
    public void T5_DirectorySizeNotAMultipleOf2048_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long record = iso.Find("/boot");
        Patch.UInt32(copy, record + IsoDirectoryRecord.Layout.Size, 2049);
        AssertRefused(copy, Kernel, IsoDirectoryRecord.StructureName, "size", record + IsoDirectoryRecord.Layout.Size);
    }

    [Test]
    public void VolumeSpaceSizeBeyondTheImage_IsRefused()
    {
        (string copy, IsoLocator iso) = Prepare();
        long field = iso.PrimaryOffset + IsoPrimaryVolumeDescriptor.Layout.VolumeSpaceSize;
        Patch.UInt32(copy, field, 0x7FFFFFFF);
        using var owner = OpenSource(copy, out var source);
        CorruptImageException error = Patch.Refused(() => Iso9660FileSystem.Open(source, FileSystemBudgets.Default));
        Patch.AssertNames(error, IsoPrimaryVolumeDescriptor.StructureName, "volume_space_size", field);
    }

    [Test]
    public void LogicalBlockSizeOtherThan2048_IsUnsupported()
    {
        (string copy, IsoLocator iso) = Prepare();
        long field = iso.PrimaryOffset + IsoPrimaryVolumeDescriptor.Layout.LogicalBlockSize;
        Patch.UInt16(copy, field, 512);
        using var owner = OpenSource(copy, out var source);
        CorruptImageException error = Patch.Refused(() => Iso9660FileSystem.Open(source, FileSystemBudgets.Default));
        Patch.AssertNames(error, IsoPrimaryVolumeDescriptor.StructureName, "logical_block_size", field);
        Assert.That(error.Kind, Is.EqualTo(ImageProblem.Unsupported));
    }

    [TestCase("/links/self", TestName = "G1_SymlinkToItself_IsALoop")]
    [TestCase("/links/loop-a", TestName = "G1_TwoSymlinkCycle_IsALoop")]
    [TestCase("/links/chain-1", TestName = "G1_FortyOneChainedSymlinks_AreRefused")]
    public void G1_SymlinkLoops_AreRefused(string path)
    {
        using var owner = Iso9660FileSystemTests.Open(Fixtures.Image(Image), out Iso9660FileSystem fs);
        CorruptImageException error = Patch.Refused(() => fs.Lookup(PathBytes.FromConfigText(path)));
        Assert.That(error.Structure, Is.EqualTo("symlink"));
        Assert.That(error.Problem, Does.Contain("symbolic links followed"));
    }

    [Test]
    public void G1_FortyChainedSymlinks_AreFollowed()
    {
        using var owner = Iso9660FileSystemTests.Open(Fixtures.Image(Image), out Iso9660FileSystem fs);
        Assert.That(fs.Lookup("/links/chain-2"u8)!.DisplayPath, Is.EqualTo("/MixedCase/x"));
    }

    [Test]
    public void G2_EscapingSymlinks_ResolveInsideTheImage()
    {
        using var owner = Iso9660FileSystemTests.Open(Fixtures.Image(Image), out Iso9660FileSystem fs);
        Assert.That(fs.Lookup("/links/escape"u8), Is.Null, "../../../../../etc/shadow stops at the image root");
        Assert.That(fs.Lookup("/links/absolute-shadow"u8), Is.Null, "/etc/shadow is looked up in the image, not on the host");
        Assert.That(fs.Lookup("/boot/../../../../etc/shadow"u8), Is.Null);
        Assert.That(FatIsoVolume.ReadAll(fs, "/links/absolute-initrd"), Is.EqualTo(FatIsoVolume.ReadAll(fs, "/boot/initrd.img-6.1.0-13-amd64")));
    }

    [Test]
    public void G4_SubdirectoryPointingAtTheRoot_StaysBounded()
    {
        (string copy, IsoLocator iso) = Prepare();
        long grub = iso.Find("/boot/grub");
        Patch.UInt32(copy, grub + IsoDirectoryRecord.Layout.Extent, iso.Extent(iso.RootRecordOffset));
        using var owner = Iso9660FileSystemTests.Open(copy, out Iso9660FileSystem fs);
        string deep = string.Concat(Enumerable.Repeat("/boot/grub", 300)) + "/MixedCase/x";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(fs.Lookup(PathBytes.FromConfigText(deep))?.Type, Is.EqualTo(FileSystemEntryType.Regular));
        Assert.That(watch.Elapsed, Is.LessThan(Patch.TimeBound));
    }

    [Test]
    public void G5_OutputCap_IsCheckedBeforeWriting()
    {
        using var owner = Iso9660FileSystemTests.Open(Fixtures.Image(Image), out Iso9660FileSystem fs,
            FileSystemBudgets.Default with { MaxFileBytes = 1000 });
        FileSystemEntry kernel = fs.Lookup(PathBytes.FromConfigText(Kernel))!;
        using var output = new MemoryStream();
        CorruptImageException error = Patch.Refused(() => fs.CopyTo(kernel, output));
        Assert.That(error.Kind, Is.EqualTo(ImageProblem.LimitExceeded));
        Assert.That(output.Length, Is.Zero);
        var iso = new IsoLocator(Fixtures.Image(Image));
        Patch.AssertNames(error, IsoDirectoryRecord.StructureName, "size", iso.Find(Kernel) + IsoDirectoryRecord.Layout.Size);
    }

    [Test]
    public void ContinuationArea_HoldsTheLongRockRidgeName()
    {
        (_, IsoLocator iso) = Prepare();
        string name = new string('N', 200) + "-long-rock-ridge-name.txt";
        string inRecord = iso.NameOf(LongNameRecord(iso)) ?? "(none)";
        Assert.That(name, Does.StartWith(inRecord).And.Not.EqualTo(inRecord), "xorriso continued this NM entry in a CE area");
        using var owner = Iso9660FileSystemTests.Open(Fixtures.Image(Image), out Iso9660FileSystem fs);
        Assert.That(fs.ListDirectory(fs.Lookup("/links"u8)!).Select(l => l.DisplayName), Does.Contain(name));
    }

    private static long LongNameRecord(IsoLocator iso)
        => iso.Children(iso.Find("/links")).Single(r => iso.Entries(r).Any(e => e.Signature == "CE") && iso.NameOf(r)?.StartsWith("NNNN", StringComparison.Ordinal) == true);

    private static (string Copy, IsoLocator Iso) Prepare()
    {
        string copy = Fixtures.WritableCopy(Image, "patch");
        return (copy, new IsoLocator(copy));
    }

    private static IDisposable OpenSource(string path, out PvBoot.Core.BlockSources.IBlockSource source)
    {
        var file = new PvBoot.Core.BlockSources.FileBlockSource(path);
        source = file;
        return file;
    }

    private static CorruptImageException AssertRefused(string copy, string path, string structure, string field, long offset)
    {
        CorruptImageException error = Patch.Refused(() =>
        {
            using var owner = Iso9660FileSystemTests.Open(copy, out Iso9660FileSystem fs);
            FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path));
            if (entry is { Type: FileSystemEntryType.Regular })
            {
                fs.CopyTo(entry, Stream.Null);
            }
        });
        Patch.AssertNames(error, structure, field, offset);
        return error;
    }
}
