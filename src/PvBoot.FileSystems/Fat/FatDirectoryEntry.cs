using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Fat;

/// <summary>A short (8.3) directory entry (<c>msdos_dir_entry</c>).</summary>
internal readonly struct FatDirectoryEntry
{
    /// <summary>The bytes the structure occupies.</summary>
    public const int Size = 32;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "msdos_dir_entry";

    /// <summary><c>ATTR_DIR</c>.</summary>
    public const byte AttributeDirectory = 0x10;

    /// <summary><c>ATTR_VOLUME</c>.</summary>
    public const byte AttributeVolume = 0x08;

    /// <summary><c>ATTR_EXT</c>: the attribute value of a long-name slot.</summary>
    public const byte AttributeLongName = 0x0F;

    /// <summary>First name byte of a deleted entry.</summary>
    public const byte Deleted = 0xE5;

    private FatDirectoryEntry(byte[] name, byte attributes, byte caseFlags, uint firstCluster, uint fileSize)
    {
        ShortName = name;
        Attributes = attributes;
        CaseFlags = caseFlags;
        FirstCluster = firstCluster;
        FileSize = fileSize;
    }

    /// <summary>The 11 bytes of the 8.3 name, blank padded (a leading 0x05 already turned back into 0xE5).</summary>
    public byte[] ShortName { get; }

    /// <summary><c>attr</c>.</summary>
    public byte Attributes { get; }

    /// <summary><c>lcase</c>: 0x08 base name in lower case, 0x10 extension in lower case (Windows NT).</summary>
    public byte CaseFlags { get; }

    /// <summary><c>starthi</c> and <c>start</c> combined.</summary>
    public uint FirstCluster { get; }

    /// <summary><c>size</c>.</summary>
    public uint FileSize { get; }

    /// <summary>Whether this is a directory.</summary>
    public bool IsDirectory => (Attributes & AttributeDirectory) != 0;

    /// <summary>Whether the name is <c>.</c> or <c>..</c>.</summary>
    public bool IsDotEntry => ShortName[0] == (byte)'.';

    /// <summary>The name as Linux shows a short name: base and extension without padding, lower-cased where the case flags say.</summary>
    public byte[] DisplayName
    {
        get
        {
            ReadOnlySpan<byte> name = ShortName;
            var result = new List<byte>(12);
            AppendPart(result, name[..8], (CaseFlags & 0x08) != 0);
            int before = result.Count;
            AppendPart(result, name[8..], (CaseFlags & 0x10) != 0);
            if (result.Count > before)
            {
                result.Insert(before, (byte)'.');
            }

            return [.. result];
        }
    }

    /// <summary>The checksum of the 8.3 name that its long-name slots carry.</summary>
    public byte NameChecksum
    {
        get
        {
            byte sum = 0;
            foreach (byte b in ShortName)
            {
                sum = (byte)((((sum & 1) << 7) | (sum >> 1)) + b);
            }

            return sum;
        }
    }

    /// <summary>Parses one entry.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The entry.</returns>
    public static FatDirectoryEntry Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "(size)", diskOffset, "the directory entry is truncated");
        }

        byte[] name = span[..11].ToArray();
        if (name[0] == 0x05)
        {
            name[0] = Deleted;
        }

        uint cluster = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.StartHigh..]) << 16)
            | BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.Start..]);
        return new FatDirectoryEntry(name, span[Layout.Attributes], span[Layout.CaseFlags], cluster,
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.FileSize..]));
    }

    private static void AppendPart(List<byte> into, ReadOnlySpan<byte> part, bool lower)
    {
        int length = part.Length;
        while (length > 0 && part[length - 1] == (byte)' ')
        {
            length--;
        }

        foreach (byte b in part[..length])
        {
            into.Add(lower && b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b);
        }
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary><c>name</c>, 11 bytes.</summary>
        public const int Name = 0;

        /// <summary><c>attr</c>.</summary>
        public const int Attributes = 11;

        /// <summary><c>lcase</c>.</summary>
        public const int CaseFlags = 12;

        /// <summary><c>starthi</c>: high 16 bits of the first cluster (FAT32).</summary>
        public const int StartHigh = 20;

        /// <summary><c>start</c>: low 16 bits of the first cluster.</summary>
        public const int Start = 26;

        /// <summary><c>size</c>.</summary>
        public const int FileSize = 28;
    }
}
