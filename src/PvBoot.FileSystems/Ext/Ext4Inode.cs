using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Ext;

/// <summary><c>struct ext4_inode</c>: mode, size, flags and the 60-byte <c>i_block</c> area (block map, extent root, inline data or fast symlink).</summary>
internal readonly struct Ext4Inode
{
    /// <summary>The size of the original (revision 0) inode; larger inodes carry <c>i_extra_isize</c> more bytes.</summary>
    public const int GoodOldSize = 128;

    /// <summary>The size of <c>i_block</c>.</summary>
    public const int BlockAreaSize = 60;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_inode";

    public const uint FlagEncrypt = 0x800;
    public const uint FlagIndex = 0x1000;
    public const uint FlagExtents = 0x80000;
    public const uint FlagInlineData = 0x10000000;

    private readonly byte[] raw;

    private Ext4Inode(byte[] raw, long size)
    {
        this.raw = raw;
        Size = size;
        Mode = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(Layout.Mode));
        Flags = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(Layout.Flags));
        Generation = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(Layout.Generation));
        ExtraIsize = raw.Length > GoodOldSize ? BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(Layout.ExtraIsize)) : (ushort)0;
    }

    public ushort Mode { get; }

    /// <summary>i_size_lo | i_size_high &lt;&lt; 32.</summary>
    public long Size { get; }

    public uint Flags { get; }

    public uint Generation { get; }

    public ushort ExtraIsize { get; }

    /// <summary>The whole on-disk inode (s_inode_size bytes).</summary>
    public ReadOnlySpan<byte> Raw => raw;

    /// <summary>The 60-byte i_block area.</summary>
    public ReadOnlySpan<byte> Block => raw.AsSpan(Layout.Block, BlockAreaSize);

    public bool HasExtents => (Flags & FlagExtents) != 0;

    public bool HasInlineData => (Flags & FlagInlineData) != 0;

    /// <summary>Whether the in-inode checksum has its high 16 bits (<c>i_checksum_hi</c> lies inside the extra space).</summary>
    public bool HasChecksumHi => raw.Length > GoodOldSize && ExtraIsize >= 4;

    /// <summary>l_i_checksum_lo | i_checksum_hi &lt;&lt; 16 where present.</summary>
    public uint Checksum
    {
        get
        {
            uint lo = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(Layout.ChecksumLo));
            return HasChecksumHi ? lo | ((uint)BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(Layout.ChecksumHi)) << 16) : lo;
        }
    }

    /// <summary>The type from the S_IFMT bits of i_mode.</summary>
    public FileSystemEntryType Type => PosixMode.TypeOf(Mode);

    /// <summary>
    /// Parses an inode of <paramref name="inodeSize"/> bytes and checks i_extra_isize and i_size
    /// (at most <paramref name="maxSize"/>, the largest size 2^32 blocks can hold).
    /// </summary>
    public static Ext4Inode Parse(ReadOnlySpan<byte> span, int inodeSize, long maxSize, long diskOffset, string source)
    {
        if (inodeSize < GoodOldSize || span.Length < inodeSize)
        {
            throw new CorruptImageException(source, StructureName, "i_mode", diskOffset,
                $"a {inodeSize}-byte inode does not fit the {span.Length} bytes available");
        }

        byte[] raw = span[..inodeSize].ToArray();
        if (inodeSize > GoodOldSize)
        {
            int extra = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(Layout.ExtraIsize));
            if (extra > inodeSize - GoodOldSize || extra % 4 != 0)
            {
                throw new CorruptImageException(source, StructureName, "i_extra_isize", diskOffset + Layout.ExtraIsize,
                    $"extra inode size {extra} is not a multiple of 4 within the {inodeSize - GoodOldSize} spare bytes");
            }
        }

        ulong size = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(Layout.SizeLo))
            | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(Layout.SizeHigh)) << 32);
        if (size > (ulong)maxSize)
        {
            throw new CorruptImageException(source, StructureName, "i_size_lo", diskOffset + Layout.SizeLo,
                $"size {size} is larger than 2^32 blocks ({maxSize} bytes)");
        }

        return new Ext4Inode(raw, (long)size);
    }

    /// <summary>Field offsets within <c>ext4_inode</c>.</summary>
    public static class Layout
    {
        public const int Mode = 0x00;
        public const int SizeLo = 0x04;
        public const int Flags = 0x20;
        public const int Block = 0x28;
        public const int Generation = 0x64;
        public const int FileAclLo = 0x68;
        public const int SizeHigh = 0x6C;
        public const int ChecksumLo = 0x7C;
        public const int ExtraIsize = 0x80;
        public const int ChecksumHi = 0x82;
    }
}
