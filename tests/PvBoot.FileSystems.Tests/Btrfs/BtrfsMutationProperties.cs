using System.Diagnostics;
using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Btrfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

/// <summary>
/// One-byte mutations of real metadata (superblock and every tree block a full read visits). With the checksum left
/// stale, the reader must fall back to the mirror/DUP copy and return exactly the manifest's bytes. With the checksum
/// recomputed, every outcome but a <see cref="CorruptImageException"/> or a normal return is a bug. Always bounded.
/// </summary>
public sealed class BtrfsMutationProperties
{
    private static readonly string[] Images = ["btrfs-rootdir", "btrfs-compress", "btrfs-subvol"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);
    private static readonly Lazy<Target[]> Targets = new(FindTargets);

    [FsCheck.NUnit.Property(MaxTest = 150, QuietOnSuccess = true)]
    public void MetadataByteFlip_CorrectBytesOrCorruptImage(FsCheck.DoNotSize<uint> blockSeed, FsCheck.DoNotSize<uint> positionSeed, byte xor, bool recompute)
    {
        // DoNotSize: plain uints stay below FsCheck's size (100), which would only ever hit the first blocks and bytes.
        uint blockChoice = blockSeed.Item;
        uint position = positionSeed.Item;
        Target[] targets = Targets.Value;
        Target target = targets[blockChoice % (uint)targets.Length];
        using FileBlockSource file = BtrfsTestImage.Source(target.Image);
        var source = new PatchedBlockSource(file);
        byte[] block = source.Read(target.Offset, target.Size);
        int at = target.Position(position);
        block[at] ^= xor == 0 ? (byte)0xFF : xor;
        if (recompute)
        {
            BtrfsTestImage.UpdateChecksum(block, target.CsumType);
        }

        source.Write(target.Offset, block);
        var clock = Stopwatch.StartNew();
        try
        {
            IFileSystemReader fs = BtrfsTestImage.Open(source);
            foreach (ManifestEntry entry in Fixtures.Manifest(target.Image))
            {
                FileSystemEntry? found = fs.Lookup(PathBytes.FromConfigText(entry.Path));
                if (!recompute)
                {
                    Assert.That(found, Is.Not.Null, $"{entry.Path} lost although a good copy exists");
                    Assert.That(Fixtures.Sha256(BtrfsTestImage.ReadAll(fs, found!)), Is.EqualTo(entry.Sha256), entry.Path);
                }
                else if (found is { Type: FileSystemEntryType.Regular } && found.Size <= fs.Budgets.MaxFileBytes)
                {
                    fs.CopyTo(found, Stream.Null);
                }
            }
        }
        catch (CorruptImageException) when (recompute)
        {
        }

        Assert.That(clock.Elapsed, Is.LessThan(Bound), $"{target} position {at}");
    }

    private static Target[] FindTargets()
    {
        var targets = new List<Target>();
        foreach (string image in Images)
        {
            using FileBlockSource source = BtrfsTestImage.Source(image);
            BtrfsFileSystem fs = BtrfsTestImage.Open(source);
            foreach (ManifestEntry entry in Fixtures.Manifest(image))
            {
                fs.CopyTo(BtrfsTestImage.LookupOrFail(fs, entry.Path), Stream.Null);
                fs.ListDirectory(BtrfsTestImage.LookupOrFail(fs, entry.Path[..(entry.Path.LastIndexOf('/') + 1)]));
            }

            ushort csum = fs.SuperBlock.CsumType;
            int sbUsed = BtrfsSuperBlock.Layout.SysChunkArray + (int)fs.SuperBlock.SysChunkArraySize;
            targets.Add(new Target(image, BtrfsConstants.PrimarySuperBlockOffset, BtrfsSuperBlock.Size, csum, sbUsed, BtrfsSuperBlock.Size));
            foreach (BtrfsNode node in fs.CachedNodes)
            {
                // Flips land where the block holds something: the header and entry array, and the item data at the end.
                int size = (int)fs.SuperBlock.NodeSize;
                int headersEnd = BtrfsHeader.Size + (node.Count * (node.IsLeaf ? BtrfsItem.Size : BtrfsKeyPtr.Size));
                int dataStart = node.IsLeaf && node.Count > 0 ? (int)(node.ItemDataOffset(node.Count - 1) - node.DiskOffset) : size;
                targets.Add(new Target(image, node.DiskOffset, size, csum, headersEnd, dataStart));
            }
        }

        return [.. targets];
    }

    private sealed record Target(string Image, long Offset, int Size, ushort CsumType, int HeadersEnd, int DataStart)
    {
        public int Position(uint choice)
        {
            uint hot = (uint)(HeadersEnd + (Size - DataStart));
            int p = (int)(choice % hot);
            return p < HeadersEnd ? p : DataStart + (p - HeadersEnd);
        }
    }
}
