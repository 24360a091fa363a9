using System.Buffers.Binary;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Fat;

/// <summary>
/// Where each FAT/ISO fixture volume lives: the image, the partition (found by reading the image's real MBR or GPT)
/// and the device name grub-fstest uses for it.
/// </summary>
internal sealed record FatIsoVolume(string ManifestName, string ImageName, int Partition, bool Gpt)
{
    public static readonly FatIsoVolume[] Fat =
    [
        new("fat12", "fat12", 0, false),
        new("fat12-4k-sectors", "fat12-4k-sectors", 0, false),
        new("fat16-mbr", "fat16-mbr", 1, false),
        new("fat32-mbr", "fat32-mbr", 1, false),
        new("fat32-esp-gpt", "fat32-esp-gpt", 1, true),
        new("iso-netinst-p2", "iso-netinst", 2, false),
    ];

    public static readonly FatIsoVolume[] Iso =
    [
        new("iso-plain", "iso-plain", 0, false),
        new("iso-joliet", "iso-joliet", 0, false),
        new("iso-level2", "iso-level2", 0, false),
        new("iso-hybrid", "iso-hybrid", 0, false),
        new("iso-netinst", "iso-netinst", 0, false),
    ];

    public string ImagePath => Fixtures.Image(ImageName);

    /// <summary>The grub-fstest path prefix of the volume.</summary>
    public string GrubPrefix => Partition == 0 ? string.Empty : $"(loop0,{(Gpt ? "gpt" : "msdos")}{Partition})";

    public override string ToString() => ManifestName;

    /// <summary>Byte offset and length of the volume in <paramref name="imagePath"/> (the whole file for partition 0).</summary>
    public (long Offset, long Length) Range(string imagePath)
    {
        byte[] head = new byte[2048];
        using (FileStream stream = File.OpenRead(imagePath))
        {
            stream.ReadExactly(head);
            if (Partition == 0)
            {
                return (0, stream.Length);
            }
        }

        if (Gpt)
        {
            // Partition entries start at LBA 2 (as sgdisk writes them); FirstLBA at +32, LastLBA at +40.
            using FileStream stream = File.OpenRead(imagePath);
            byte[] entry = new byte[128];
            stream.Position = (2 * 512) + ((Partition - 1) * 128);
            stream.ReadExactly(entry);
            long first = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(32));
            long last = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(40));
            return (first * 512, (last - first + 1) * 512);
        }

        int record = 446 + ((Partition - 1) * 16);
        long start = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(record + 8));
        long count = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(record + 12));
        return (start * 512, count * 512);
    }

    /// <summary>Opens the volume of a (possibly patched) copy of the image.</summary>
    public IBlockSource OpenSource(string imagePath, out IDisposable owner)
    {
        var file = new FileBlockSource(imagePath);
        owner = file;
        (long offset, long length) = Range(imagePath);
        return Partition == 0 ? file : file.Slice(offset, length, $"{imagePath} ({GrubPrefix})");
    }

    /// <summary>Reads a whole file through the reader.</summary>
    public static byte[] ReadAll(IFileSystemReader reader, string path)
    {
        FileSystemEntry entry = reader.Lookup(PathBytes.FromConfigText(path))
            ?? throw new AssertionException($"{path} not found");
        Assert.That(entry.Type, Is.EqualTo(FileSystemEntryType.Regular), path);
        using var output = new MemoryStream();
        reader.CopyTo(entry, output);
        return output.ToArray();
    }
}
