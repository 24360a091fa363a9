using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Ext;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>
/// Random bit flips in the metadata blocks of real fixtures (superblock, descriptors, the inode table blocks holding
/// the files, directory blocks, indirect and extent blocks): the reader returns the right bytes or raises
/// <see cref="CorruptImageException"/>, never another exception, always within a fixed time per image.
/// </summary>
public partial class ExtMutationTests
{
    private static readonly string[] Images = ["ext4-default", "ext3-1k", "ext4-inline", "ext4-32bit", "ext4-metabg", "ext2"];

    private static readonly Lazy<Target[]> Targets = new(() => Images.Select(Target.Load).ToArray());

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property MetadataBitFlips_GiveCorrectBytesOrCorruptImageException(PositiveInt image, NonEmptyArray<(PositiveInt Region, PositiveInt Offset, byte Mask)> flips)
    {
        Target target = Targets.Value[image.Get % Images.Length];
        var applied = flips.Get.Take(8)
            .Select(f =>
            {
                (long start, int length) = target.Regions[f.Region.Get % target.Regions.Length];
                return (Offset: start + (f.Offset.Get % length), Mask: f.Mask == 0 ? (byte)1 : f.Mask);
            })
            .ToArray();
        foreach ((long offset, byte mask) in applied)
        {
            target.Bytes[offset] ^= mask;
        }

        try
        {
            var watch = Stopwatch.StartNew();
            Outcome outcome = Run(target);
            TimeSpan elapsed = watch.Elapsed;
            bool singleFlipDetected = applied.Length > 1 || !target.HasChecksums || outcome != Outcome.WrongBytesWithoutWarning;
            return (elapsed < TimeSpan.FromSeconds(3) && singleFlipDetected)
                .Label($"{target.Name}: flips {string.Join(", ", applied.Select(a => $"0x{a.Offset:x}^0x{a.Mask:x2}"))}: {outcome} in {elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            foreach ((long offset, byte mask) in applied)
            {
                target.Bytes[offset] ^= mask;
            }
        }
    }

    private static Outcome Run(Target target)
    {
        try
        {
            var fs = ExtFileSystem.Open(new MemoryBlockSource(target.Bytes, target.Name), FileSystemBudgets.Default);
            bool wrong = false;
            foreach (ManifestEntry entry in target.Files)
            {
                FileSystemEntry? file = fs.Lookup(Encoding.UTF8.GetBytes(entry.Path));
                if (file is null || file.Type != FileSystemEntryType.Regular || file.Size > 64 * 1024 * 1024)
                {
                    wrong = true;
                    continue;
                }

                wrong |= ExtImage.Sha256Of(fs, file) != entry.Sha256;
            }

            foreach (string directory in target.Directories)
            {
                if (fs.Lookup(Encoding.UTF8.GetBytes(directory)) is { Type: FileSystemEntryType.Directory } dir)
                {
                    fs.ListDirectory(dir);
                }
            }

            foreach (string link in target.Symlinks)
            {
                if (fs.Lookup(Encoding.UTF8.GetBytes(link), followFinalSymlink: false) is { Type: FileSystemEntryType.Symlink } symlink)
                {
                    fs.ReadSymlinkTarget(symlink);
                }
            }

            return !wrong ? Outcome.Correct : fs.Warnings.Count > 0 ? Outcome.WrongBytesWithWarning : Outcome.WrongBytesWithoutWarning;
        }
        catch (CorruptImageException)
        {
            return Outcome.Refused;
        }
    }

    private enum Outcome
    {
        Correct,
        Refused,
        WrongBytesWithWarning,
        WrongBytesWithoutWarning,
    }

    /// <summary>An image held in memory, its files and the byte ranges of its metadata, located with debugfs.</summary>
    private sealed partial class Target
    {
        public required string Name { get; init; }

        public required byte[] Bytes { get; init; }

        public required bool HasChecksums { get; init; }

        public required ManifestEntry[] Files { get; init; }

        public required string[] Directories { get; init; }

        public required string[] Symlinks { get; init; }

        public required (long Start, int Length)[] Regions { get; init; }

        public static Target Load(string name)
        {
            string image = Fixtures.Image(name);
            int bs = ExtImage.BlockSize(image);
            ManifestEntry[] files = Fixtures.Manifest(name).Where(e => !e.Path.StartsWith("/many/", StringComparison.Ordinal)).ToArray();
            string[] directories = ["/", "/boot", "/boot/grub", "/etc", "/many"];
            string[] symlinks = ["/vmlinuz", "/boot/grub/menu.lst", "/etc/long-link-to-grub.cfg"];
            var regions = new List<(long, int)> { (1024, 1024), ((bs == 1024 ? 2 : 1) * (long)bs, bs) };
            var blocks = new HashSet<long>();
            foreach (string path in files.Select(f => f.Path).Concat(directories).Concat(symlinks))
            {
                regions.Add((ExtImage.InodeOffset(image, path) / bs * bs, bs));
                foreach (Match m in TreeBlockRegex().Matches(ExtImage.Debugfs(image, $"stat {path}")))
                {
                    blocks.Add(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            foreach (string directory in directories)
            {
                blocks.UnionWith(ExtImage.Blocks(image, directory));
            }

            regions.AddRange(blocks.Select(b => (b * bs, bs)));
            byte[] sb = ExtImage.ReadBytes(image, 1024, 1024);
            return new Target
            {
                Name = name,
                Bytes = File.ReadAllBytes(image),
                HasChecksums = (BitConverter.ToUInt32(sb, 0x64) & 0x400) != 0,
                Files = files,
                Directories = directories,
                Symlinks = symlinks,
                Regions = [.. regions.Distinct()],
            };
        }

        [GeneratedRegex(@"\((?:IND|DIND|TIND|ETB\d)\):(\d+)")]
        private static partial Regex TreeBlockRegex();
    }
}
