using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;
using PvBoot.FileSystems.Iso9660;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Iso9660;

/// <summary>
/// A file above 4 GiB, which xorriso can only store as a multi-extent file. libisofs splits only at 4 GiB - 2 KiB,
/// so the image is built at test time by <c>scripts/large-iso-multiextent.sh</c> (sparse, but xorriso still streams
/// 4 GiB through a pipe: 15-45 s).
/// </summary>
[TestFixture]
public sealed class Iso9660MultiExtentTests
{
    [Test]
    public void FileAbove4GiB_IsReadAcrossItsExtents_AsGrubFstestReadsIt()
    {
        string dir = Path.Combine(Fixtures.WorkDirectory, "large-iso-multiextent");
        ToolResult build = Tool.Run("bash", [Path.Combine(Fixtures.Directory, "scripts", "large-iso-multiextent.sh"), dir], timeoutSeconds: 300);
        Assert.That(build.ExitCode, Is.Zero, build.Stderr);
        string image = Path.Combine(dir, "iso-multiextent.img");
        string source = Path.Combine(dir, "source", "boot", "big.img");
        using var owner = Iso9660FileSystemTests.Open(image, out Iso9660FileSystem fs, FileSystemBudgets.Default with { MaxFileBytes = long.MaxValue });
        var entry = (ReaderEntry<IsoNode>)fs.Lookup("/boot/big.img"u8)!;
        long size = new FileInfo(source).Length;
        Assert.That(entry.Size, Is.EqualTo(size));
        Assert.That(entry.Node.Extents, Has.Count.GreaterThanOrEqualTo(2), "xorriso stored the file in several extents");
        long boundary = entry.Node.Extents[0].Length;
        using FileStream original = File.OpenRead(source);
        foreach (long offset in new[] { 0L, boundary - 3000, boundary - 1, size - 5000 })
        {
            byte[] ours = new byte[4096];
            int read = fs.Read(entry, offset, ours);
            byte[] expected = new byte[read];
            original.Position = offset;
            original.ReadExactly(expected);
            Assert.That(ours.AsSpan(0, read).SequenceEqual(expected), Is.True, $"offset {offset}");
            ToolResult grub = Tool.Run("grub-fstest", ["-s", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", read.ToString(System.Globalization.CultureInfo.InvariantCulture), image, "cat", "/boot/big.img"]);
            Assert.That(grub.Stdout, Is.EqualTo(expected), $"grub-fstest at {offset}");
        }

        Assert.That(fs.ListDirectory(fs.Lookup("/boot"u8)!).Select(l => l.DisplayName), Is.EquivalentTo(new[] { "big.img", "small.txt" }),
            "the extents of one file are listed once");
    }
}
