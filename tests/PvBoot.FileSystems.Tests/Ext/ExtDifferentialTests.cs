using System.Diagnostics;
using System.Text;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>Every file of every ext fixture read by PvBoot equals the manifest, debugfs and (where GRUB reads the image) grub-fstest.</summary>
public class ExtDifferentialTests
{
    /// <summary>Images whose features GRUB's ext2 driver refuses (inline_data); <see cref="GrubFstest_RefusesInlineData"/> proves it.</summary>
    private static readonly string[] GrubUnreadable = ["ext4-inline"];

    /// <summary>Files GRUB's ext2 driver reads wrongly (see <see cref="GrubFstest_GetsTheseFilesWrong"/>).</summary>
    private static readonly (string Image, string Path)[] GrubWrong =
        [("ext4-frag", "/prealloc.bin"), ("ext4-frag", "/mixed.bin"), ("ext4-frag", "/sparse.bin")];

    private static IEnumerable<string> Images => ExtImage.All;

    private static IEnumerable<string> GrubImages => ExtImage.All.Except(GrubUnreadable);

    [TestCaseSource(nameof(Images))]
    public void EveryFile_EqualsManifestAndDebugfsDump(string name)
    {
        string image = Fixtures.Image(name);
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(name);
        Assert.That(manifest, Is.Not.Empty);

        // One debugfs session dumps every file (one process per file would take minutes for the 5,000-entry /boot).
        string dumpDir = Path.Combine(Fixtures.WorkDirectory, $"debugfs-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dumpDir);
        string script = Path.Combine(dumpDir, "commands");
        File.WriteAllLines(script, manifest.Select((e, i) => $"dump \"{e.Path}\" \"{Path.Combine(dumpDir, i.ToString(System.Globalization.CultureInfo.InvariantCulture))}\""));
        ToolResult dumped = Tool.Run("debugfs", ["-f", script, image], timeoutSeconds: 300);
        Assert.That(dumped.ExitCode, Is.Zero, dumped.Stderr);

        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            for (int i = 0; i < manifest.Count; i++)
            {
                ManifestEntry entry = manifest[i];
                FileSystemEntry file = ExtImage.Lookup(fs, entry.Path);
                Assert.That(file.Type, Is.EqualTo(FileSystemEntryType.Regular), entry.Path);
                Assert.That(file.Size, Is.EqualTo(entry.Size), entry.Path);
                string sha = ExtImage.Sha256Of(fs, file);
                Assert.That(sha, Is.EqualTo(entry.Sha256), $"{name}:{entry.Path} differs from the manifest");
                byte[] debugfsBytes = File.ReadAllBytes(Path.Combine(dumpDir, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (debugfsBytes.Length > file.Size && file.Size < 60 && debugfsBytes.AsSpan((int)file.Size).IndexOfAnyExcept((byte)0) < 0)
                {
                    // debugfs 1.47 dumps an inline file shorter than i_block padded with zeros to the 60-byte area;
                    // the manifest (and i_size) say where the file ends.
                    debugfsBytes = debugfsBytes[..(int)file.Size];
                }

                Assert.That(Fixtures.Sha256(debugfsBytes), Is.EqualTo(sha), $"{name}:{entry.Path} differs from debugfs");

                // Positional reads at an unaligned offset agree with the stream.
                if (file.Size > 0)
                {
                    long offset = file.Size / 3;
                    byte[] part = new byte[(int)Math.Min(file.Size - offset, 70_001)];
                    Assert.That(fs.Read(file, offset, part), Is.EqualTo(part.Length));
                    Assert.That(part, Is.EqualTo(debugfsBytes.AsSpan((int)offset, part.Length).ToArray()), $"{name}:{entry.Path} positional read");
                }
            }

            Assert.That(fs.Warnings, Is.Empty, "a clean image must verify every checksum");
        }

        Directory.Delete(dumpDir, recursive: true);
    }

    [TestCaseSource(nameof(GrubImages))]
    public void EveryFile_EqualsGrubFstestCat(string name)
    {
        string image = Fixtures.Image(name);

        // The /many files add nothing GRUB-specific; the files GRUB gets wrong are compared with debugfs and the
        // manifest only (GrubFstest_GetsTheseFilesWrong shows GRUB is the one that differs).
        var entries = Fixtures.Manifest(name)
            .Where(e => !e.Path.StartsWith("/many/", StringComparison.Ordinal) && !GrubWrong.Contains((name, e.Path)))
            .ToList();
        Assert.That(entries, Is.Not.Empty);
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            foreach (ManifestEntry entry in entries)
            {
                ToolResult grub = Tool.Run("grub-fstest", [image, "cat", entry.Path]);
                Assert.That(grub.ExitCode, Is.Zero, $"{name}:{entry.Path}: {grub.Stderr}");
                Assert.That(ExtImage.Sha256Of(fs, ExtImage.Lookup(fs, entry.Path)), Is.EqualTo(Fixtures.Sha256(grub.Stdout)), $"{name}:{entry.Path} differs from grub-fstest");
            }
        }
    }

    [Test]
    public void GrubFstest_RefusesInlineData()
    {
        // Documents why ext4-inline is compared with debugfs only: GRUB's ext2 driver does not read inline_data.
        ToolResult grub = Tool.Run("grub-fstest", [Fixtures.Image("ext4-inline"), "cat", "/boot/grub/grub.cfg"]);
        Assert.That(grub.ExitCode, Is.Not.Zero);
    }

    [TestCaseSource(nameof(GrubWrong))]
    public void GrubFstest_GetsTheseFilesWrong((string Image, string Path) file)
    {
        // GRUB 2.06 reads unwritten (preallocated) extents as the stale bytes of their blocks instead of zeros, and
        // fails with "invalid extent" on a file whose first extent starts after a hole. PvBoot agrees with the manifest.
        string image = Fixtures.Image(file.Image);
        ManifestEntry expected = Fixtures.Manifest(file.Image).Single(e => e.Path == file.Path);
        ToolResult grub = Tool.Run("grub-fstest", [image, "cat", file.Path]);
        Assert.That(grub.ExitCode != 0 || Fixtures.Sha256(grub.Stdout) != expected.Sha256, Is.True, "GRUB now reads it: drop it from GrubWrong");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            Assert.That(ExtImage.Sha256Of(fs, ExtImage.Lookup(fs, file.Path)), Is.EqualTo(expected.Sha256));
        }
    }

    [TestCaseSource(nameof(Images))]
    public void EveryDirectory_ListsWhatDebugfsLists(string name)
    {
        string image = Fixtures.Image(name);
        var directories = Fixtures.Manifest(name)
            .Select(e => e.Path[..(e.Path.LastIndexOf('/') + 1)])
            .Append("/")
            .Distinct()
            .ToList();
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            foreach (string directory in directories)
            {
                string dir = directory.Length > 1 ? directory.TrimEnd('/') : directory;
                var ours = fs.ListDirectory(ExtImage.Lookup(fs, dir)).Select(l => Encoding.UTF8.GetString(l.Name.Span)).Order(StringComparer.Ordinal).ToList();
                var theirs = ExtImage.Debugfs(image, $"ls -p {dir}")
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split('/'))
                    .Where(f => f.Length >= 6 && f[1] != "0")
                    .Select(f => f[5])
                    .Where(n => n is not "." and not "..")
                    .Order(StringComparer.Ordinal)
                    .ToList();
                Assert.That(ours, Is.EqualTo(theirs), $"{name}:{dir}");
            }
        }
    }
}
