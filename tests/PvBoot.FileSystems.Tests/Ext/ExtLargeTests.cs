using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Ext;
using PvBoot.FileSystems.Tests.Common;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>
/// Images built at test time by <c>tests/fixtures/scripts/large-ext.sh</c>: a 100,000-entry htree directory (filled
/// through a loop mount, so the script needs root, as the test suite has under eng/test.sh) with a 250 MiB file (memory
/// must not grow with the file; reads must be few and large) and an ext3 file that needs the triple-indirect block.
/// PVBOOT_EXT_LARGE_ENTRIES overrides the entry count.
/// </summary>
[NonParallelizable]
public class ExtLargeTests
{
    private static readonly int Entries = int.TryParse(Environment.GetEnvironmentVariable("PVBOOT_EXT_LARGE_ENTRIES"), CultureInfo.InvariantCulture, out int n) ? n : 100_000;

    private string directory = string.Empty;
    private string[] manifest = [];

    [OneTimeSetUp]
    public void Build()
    {
        directory = Path.Combine(Fixtures.WorkDirectory, "large-ext");
        string script = Path.Combine(Fixtures.Directory, "scripts", "large-ext.sh");
        ToolResult result = Tool.Run("bash", [script, directory, Entries.ToString(CultureInfo.InvariantCulture)], timeoutSeconds: 600);
        Assert.That(result.ExitCode, Is.Zero, $"large-ext.sh failed (it loop-mounts an image, so the tests must run as root):\n{result.Stderr}");
        manifest = File.ReadAllLines(Path.Combine(directory, "manifests", "large-ext.tsv"));
    }

    [OneTimeTearDown]
    public void Clean()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void LargeDirectory_ListsEveryEntry()
    {
        string image = Image("ext4-large");
        Assert.That(DirectoryFlags(image, "/big") & IndexFlag, Is.EqualTo(IndexFlag), "the kernel must have indexed /big as an htree");
        var expected = Enumerable.Range(0, Entries).Select(EntryName).ToHashSet(StringComparer.Ordinal);

        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            IReadOnlyList<DirectoryListing> listing = fs.ListDirectory(ExtImage.Lookup(fs, "/big"));
            string[] names = listing.Select(l => Encoding.ASCII.GetString(l.Name.Span)).ToArray();
            Assert.That(names, Has.Length.EqualTo(Entries), "the directory holds exactly the generated names");
            Assert.That(names.Distinct(StringComparer.Ordinal).Count(), Is.EqualTo(names.Length), "no name is listed twice");
            Assert.That(expected.Except(names, StringComparer.Ordinal).Take(10), Is.Empty, "generated names missing from the listing");
            Assert.That(names.Except(expected, StringComparer.Ordinal).Take(10), Is.Empty, "listed names that were never created");
            Assert.That(listing.Select(l => l.Type), Is.All.EqualTo(FileSystemEntryType.Regular));

            // debugfs lists the same names (it also prints ".", ".." and the empty entries that hold the htree nodes).
            var theirs = DebugfsNames(image, "/big");
            Assert.That(theirs.SetEquals(names), Is.True, $"debugfs lists {theirs.Count} names, the reader {names.Length}");

            // Lookups in the indexed directory: a spread of the names resolves, names never created do not.
            for (int i = 0; i < Entries; i += 997)
            {
                FileSystemEntry entry = ExtImage.Lookup(fs, "/big/" + EntryName(i));
                Assert.That((entry.Type, entry.Size), Is.EqualTo((FileSystemEntryType.Regular, 0L)), EntryName(i));
            }

            Assert.That(ExtImage.Lookup(fs, "/big/" + EntryName(Entries - 1)).Size, Is.Zero);
            Assert.That(fs.Lookup(Encoding.ASCII.GetBytes("/big/" + EntryName(Entries))), Is.Null);
            Assert.That(fs.Lookup(Encoding.ASCII.GetBytes("/big/entry-")), Is.Null);
            Assert.That(fs.Warnings, Is.Empty);
        }
    }

    [Test]
    public void HugeFile_StreamsWithConstantMemoryAndFewLargeReads()
    {
        using var file = new FileBlockSource(Image("ext4-large"));
        var counting = new RecordingBlockSource(file);
        var fs = ExtFileSystem.Open(counting, FileSystemBudgets.Default);
        FileSystemEntry huge = ExtImage.Lookup(fs, "/huge.bin");
        Assert.That(huge.Size, Is.EqualTo(250L * 1024 * 1024));
        counting.Reset();

        long before = GC.GetTotalAllocatedBytes(precise: true);
        string sha = ExtImage.Sha256Of(fs, huge);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.That(sha, Is.EqualTo(Expected("ext4-large", "/huge.bin")));
        Assert.That(allocated, Is.LessThan(4L * 1024 * 1024), $"{allocated} bytes allocated while streaming {huge.Size} bytes");

        // Adjacent blocks and extents are merged: one positional read per 256 KiB copy chunk plus a few for metadata.
        long reads = counting.Reads.Count + counting.ScatterBuffers;
        Assert.That(reads, Is.LessThanOrEqualTo((huge.Size / (256 * 1024)) + 16), $"{reads} reads");
    }

    [Test]
    public void FragmentedFile_StreamsWithoutLoadingTheWholeTree()
    {
        // 12,800 single-block extents under 38 leaves: the cached leaf keeps sequential reads from walking the tree per chunk.
        (var source, var fs) = ExtImage.Open(Fixtures.Image("ext4-frag"));
        using (source)
        {
            FileSystemEntry frag = ExtImage.Lookup(fs, "/frag.bin");
            long before = GC.GetTotalAllocatedBytes(precise: true);
            string sha = ExtImage.Sha256Of(fs, frag);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.That(sha, Is.EqualTo(Fixtures.Manifest("ext4-frag").Single(e => e.Path == "/frag.bin").Sha256));
            Assert.That(allocated, Is.LessThan(frag.Size / 8), $"{allocated} bytes allocated while streaming {frag.Size} bytes");
            Assert.That(ExtImage.Debugfs(Fixtures.Image("ext4-frag"), "ex /frag.bin"), Does.Contain(" 2/ 2 "), "the fixture's tree has depth 2");
        }
    }

    [Test]
    public void TripleIndirectFile_EqualsManifestAndDebugfs()
    {
        string image = Image("ext3-triple");
        Assert.That(ExtImage.Debugfs(image, "stat /triple.bin"), Does.Contain("(TIND)"), "the file must reach the triple-indirect block");
        string dump = Path.Combine(directory, "triple.debugfs");
        ExtImage.Debugfs(image, $"dump /triple.bin {dump}");
        (var source, var fs) = ExtImage.Open(image);
        using (source)
        {
            FileSystemEntry triple = ExtImage.Lookup(fs, "/triple.bin");
            string sha = ExtImage.Sha256Of(fs, triple);
            Assert.That(sha, Is.EqualTo(Expected("ext3-triple", "/triple.bin")));
            using (var stream = File.OpenRead(dump))
            {
                Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)), Is.EqualTo(sha));
            }

            // A positional read across the double- to triple-indirect boundary (block 12 + 256 + 65,536 of 1 KiB).
            long boundary = (12L + 256 + (256 * 256)) * 1024;
            byte[] ours = new byte[8192];
            fs.Read(triple, boundary - 4096, ours);
            byte[] theirs = new byte[8192];
            using (var stream = File.OpenRead(dump))
            {
                stream.Position = boundary - 4096;
                stream.ReadExactly(theirs);
            }

            Assert.That(ours, Is.EqualTo(theirs));
            Assert.That(fs.Warnings, Is.Empty);
        }
    }

    private const uint IndexFlag = 0x1000;

    private static string EntryName(int i) => $"entry-{i:D6}";

    /// <summary>The inode flags <c>debugfs stat</c> reports.</summary>
    private static uint DirectoryFlags(string image, string path)
    {
        string stat = ExtImage.Debugfs(image, $"stat {path}");
        Match m = Regex.Match(stat, @"Flags: 0x([0-9a-fA-F]+)");
        Assert.That(m.Success, Is.True, stat);
        return uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>The names <c>debugfs ls -p</c> prints (lines <c>/inode/mode/uid/gid/name/size/</c>) for live entries other than <c>.</c> and <c>..</c>.</summary>
    private static HashSet<string> DebugfsNames(string image, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in ExtImage.Debugfs(image, $"ls -p {path}").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split('/');
            Assert.That(fields, Has.Length.EqualTo(8), line);
            if (fields[1] != "0" && fields[5] is not ("." or ".."))
            {
                Assert.That(names.Add(fields[5]), Is.True, $"debugfs lists {fields[5]} twice");
            }
        }

        return names;
    }

    private string Image(string name) => Path.Combine(directory, "images", name + ".img");

    private string Expected(string image, string path)
        => manifest.Select(l => l.Split('\t')).Single(f => f[0] == image && f[1] == path)[3];
}
