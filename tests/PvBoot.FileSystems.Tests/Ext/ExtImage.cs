using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;
using PvBoot.FileSystems.Ext;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Ext;

/// <summary>Opens ext fixtures and patches copies of them, locating structures with debugfs (not with the reader under test).</summary>
internal static partial class ExtImage
{
    /// <summary>Every committed ext fixture.</summary>
    public static readonly string[] All =
        ["ext4-default", "ext4-htree", "ext3-1k", "ext2", "ext4-32bit", "ext4-metabg", "ext4-inline", "ext4-nojournal", "ext4-frag", "ext4-inline-kernel"];

    public static (FileBlockSource Source, ExtFileSystem Fs) Open(string path, FileSystemBudgets? budgets = null)
    {
        var source = new FileBlockSource(path);
        try
        {
            return (source, ExtFileSystem.Open(source, budgets ?? FileSystemBudgets.Default));
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public static FileSystemEntry Lookup(IFileSystemReader fs, string path, bool follow = true)
        => fs.Lookup(Encoding.UTF8.GetBytes(path), follow) ?? throw new AssertionException($"{path} not found");

    public static string Sha256Of(IFileSystemReader fs, FileSystemEntry file) => Common.Sha256Sink.Of(fs, file);

    public static string Debugfs(string image, string command, bool write = false)
    {
        var args = new List<string>();
        if (write)
        {
            args.Add("-w");
        }

        args.AddRange(["-R", command, image]);
        ToolResult result = Tool.Run("debugfs", args);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        return Encoding.UTF8.GetString(result.Stdout);
    }

    /// <summary>The absolute offset of a path's inode, from <c>debugfs imap</c>.</summary>
    public static long InodeOffset(string image, string path)
    {
        string text = Debugfs(image, $"imap {path}");
        Match m = ImapRegex().Match(text);
        Assert.That(m.Success, Is.True, text);
        long block = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        long offset = long.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (block * BlockSize(image)) + offset;
    }

    public static (uint Inode, uint Generation) InodeAndGeneration(string image, string path)
    {
        string text = Debugfs(image, $"stat {path}");
        Match inode = Regex.Match(text, @"Inode: (\d+)");
        Match generation = Regex.Match(text, @"Generation: (\d+)");
        return (uint.Parse(inode.Groups[1].Value, CultureInfo.InvariantCulture), uint.Parse(generation.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The physical blocks of a file or directory (data blocks only), from <c>debugfs blocks</c>.</summary>
    public static long[] Blocks(string image, string path)
        => Debugfs(image, $"blocks {path}").Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    public static int BlockSize(string image)
    {
        byte[] sb = ReadBytes(image, 1024, 1024);
        return 1024 << (int)BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x18));
    }

    public static byte[] ReadBytes(string image, long offset, int count)
    {
        using var stream = File.OpenRead(image);
        stream.Position = offset;
        byte[] bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public static void WriteBytes(string image, long offset, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(image, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(bytes);
    }

    public static void WriteUInt16(string image, long offset, ushort value)
    {
        byte[] b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        WriteBytes(image, offset, b);
    }

    public static void WriteUInt32(string image, long offset, uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        WriteBytes(image, offset, b);
    }

    /// <summary>Recomputes s_checksum so that a patched superblock reaches the field validation.</summary>
    public static void FixSuperblockChecksum(string image)
    {
        byte[] sb = ReadBytes(image, 1024, 1024);
        WriteUInt32(image, 1024 + 0x3FC, Crc32C.Append(~0u, sb.AsSpan(0, 0x3FC)));
    }

    /// <summary>The inode checksum seed: crc32c over the file system seed, the inode number and the generation.</summary>
    public static uint InodeSeed(string image, string path)
    {
        byte[] sb = ReadBytes(image, 1024, 1024);
        uint seed = Crc32C.Append(~0u, sb.AsSpan(0x68, 16));
        (uint inode, uint generation) = InodeAndGeneration(image, path);
        byte[] le = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(le, inode);
        seed = Crc32C.Append(seed, le);
        BinaryPrimitives.WriteUInt32LittleEndian(le, generation);
        return Crc32C.Append(seed, le);
    }

    /// <summary>Recomputes the ext4_extent_tail of an extent block owned by <paramref name="path"/>.</summary>
    public static void FixExtentBlockChecksum(string image, string path, long block)
    {
        int bs = BlockSize(image);
        byte[] data = ReadBytes(image, block * bs, bs);
        int max = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(4));
        int tail = 12 + (max * 12);
        WriteUInt32(image, (block * bs) + tail, Crc32C.Append(InodeSeed(image, path), data.AsSpan(0, tail)));
    }

    /// <summary>Recomputes the ext4_dir_entry_tail of a directory leaf block owned by <paramref name="path"/>.</summary>
    public static void FixDirBlockChecksum(string image, string path, long block)
    {
        int bs = BlockSize(image);
        byte[] data = ReadBytes(image, block * bs, bs);
        WriteUInt32(image, (block * bs) + bs - 4, Crc32C.Append(InodeSeed(image, path), data.AsSpan(0, bs - 12)));
    }

    /// <summary>The absolute offset of the ext4_dir_entry_2 naming <paramref name="name"/> in directory <paramref name="directory"/>.</summary>
    public static long DirentOffset(string image, string directory, string name)
    {
        int bs = BlockSize(image);
        byte[] wanted = Encoding.UTF8.GetBytes(name);
        foreach (long block in Blocks(image, directory))
        {
            byte[] data = ReadBytes(image, block * bs, bs);
            for (int pos = 0; pos + 8 <= bs;)
            {
                int recLen = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(pos + 4));
                int nameLen = data[pos + 6];
                if (nameLen == wanted.Length && data.AsSpan(pos + 8, nameLen).SequenceEqual(wanted))
                {
                    return (block * bs) + pos;
                }

                if (recLen < 8)
                {
                    break;
                }

                pos += recLen;
            }
        }

        throw new AssertionException($"{name} not found in {directory}");
    }

    [GeneratedRegex(@"located at block (\d+), offset 0x([0-9a-fA-F]+)")]
    private static partial Regex ImapRegex();
}
