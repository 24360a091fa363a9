using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Xfs;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Xfs;

/// <summary>
/// A writable copy of a fixture with one field patched, optionally with the v5 CRC of the structure around it
/// recomputed (so the patched value reaches the validator) or left stale (so the checksum check reports it).
/// </summary>
internal sealed partial class XfsPatch
{
    private XfsPatch(string image, string path)
    {
        Image = image;
        Path = path;
        Superblock = ((XfsFileSystem)XfsImages.Open(image, path)).Superblock;
    }

    public string Image { get; }

    public string Path { get; }

    public XfsDsb Superblock { get; }

    public int CoreSize => Superblock.IsV5 ? XfsDinode.Version3Size : XfsDinode.Size;

    public static XfsPatch Copy(string image, string suffix) => new(image, Fixtures.WritableCopy(image, suffix));

    public IFileSystemReader Open(FileSystemBudgets? budgets = null) => XfsImages.Open(Image, Path, budgets);

    /// <summary>The absolute offset (in the fixture file) of the inode that <paramref name="path"/> names.</summary>
    public long InodeOffset(string path, bool follow = false)
    {
        IFileSystemReader reader = Open();
        return XfsFileSystem.InodeOffsetOf(XfsImages.Lookup(reader, path, follow));
    }

    /// <summary>The absolute offset of the first data fork block of <paramref name="path"/>, from xfs_db's bmap.</summary>
    public long FirstBlockOffset(string path)
    {
        string bmap = XfsImages.XfsDb(Path, $"path {path}", "bmap");
        Match match = BmapLine().Match(bmap);
        Assert.That(match.Success, Is.True, bmap);
        ulong agno = ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        ulong agbno = ulong.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return (long)(((agno * Superblock.AgBlocks) + agbno) << Superblock.BlockLog);
    }

    /// <summary>The absolute offset of a file system block number (AG number in the high bits).</summary>
    public long FsbOffset(ulong fsb)
        => (long)((((fsb >> Superblock.AgBlkLog) * Superblock.AgBlocks) + (fsb & ((1UL << Superblock.AgBlkLog) - 1))) << Superblock.BlockLog);

    public byte[] Read(long offset, int count)
    {
        using var file = File.OpenHandle(Path);
        byte[] bytes = new byte[count];
        RandomAccess.Read(file, bytes, offset);
        return bytes;
    }

    public void Write(long offset, ReadOnlySpan<byte> bytes)
    {
        using var file = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(file, bytes, offset);
    }

    public void WriteU8(long offset, byte value) => Write(offset, [value]);

    public void WriteU16(long offset, ushort value)
    {
        byte[] b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        Write(offset, b);
    }

    public void WriteU32(long offset, uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        Write(offset, b);
    }

    public void WriteU64(long offset, ulong value)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        Write(offset, b);
    }

    public ulong ReadU64(long offset) => BinaryPrimitives.ReadUInt64BigEndian(Read(offset, 8));

    /// <summary>Recomputes the CRC of the structure of <paramref name="length"/> bytes at <paramref name="start"/> whose CRC field is at <paramref name="crcOffset"/>.</summary>
    public void UpdateCrc(long start, int length, int crcOffset)
    {
        byte[] bytes = Read(start, length);
        XfsChecksum.Update(bytes, crcOffset);
        Write(start, bytes);
    }

    public void UpdateSuperblockCrc() => UpdateCrc(0, Superblock.SectSize, XfsDsb.Layout.Crc);

    public void UpdateInodeCrc(long inode)
    {
        if (Superblock.IsV5)
        {
            UpdateCrc(inode, Superblock.InodeSize, XfsDinode.Layout.Crc);
        }
    }

    [GeneratedRegex(@"startblock \d+ \((\d+)/(\d+)\)")]
    private static partial Regex BmapLine();
}
