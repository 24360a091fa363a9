using System.Buffers.Binary;
using PvBoot.Core;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems.Common;

namespace PvBoot.FileSystems.Ext;

/// <summary>
/// <c>struct ext4_dir_entry_2</c> (and, without the filetype feature, <c>struct ext4_dir_entry</c> whose name_len is 16
/// bits): one name in a directory block or an inline directory.
/// </summary>
internal readonly struct Ext4DirEntry2
{
    /// <summary>The fixed part before the name.</summary>
    public const int HeaderSize = 8;

    /// <summary>The size of the fixed part on disk (the record itself is rec_len bytes).</summary>
    public const int Size = HeaderSize;

    /// <summary>The smallest legal record: the header and a name of up to 4 bytes.</summary>
    public const int MinRecordLength = 12;

    /// <summary>The structure name used in errors.</summary>
    public const string StructureName = "ext4_dir_entry_2";

    /// <summary>file_type of the checksum tail (<c>struct ext4_dir_entry_tail</c>).</summary>
    public const byte TailFileType = 0xDE;

    private Ext4DirEntry2(uint inode, int recordLength, int nameLength, byte fileType)
    {
        Inode = inode;
        RecordLength = recordLength;
        NameLength = nameLength;
        FileType = fileType;
    }

    /// <summary>inode: 0 for an unused record.</summary>
    public uint Inode { get; }

    /// <summary>rec_len, decoded (65,536-byte blocks store 0 or 65,535 for a whole-block record).</summary>
    public int RecordLength { get; }

    /// <summary>name_len.</summary>
    public int NameLength { get; }

    /// <summary>file_type (0 without the filetype feature).</summary>
    public byte FileType { get; }

    /// <summary>The type recorded in file_type.</summary>
    public FileSystemEntryType Type => PosixMode.TypeOfDirectoryEntry(FileType) ?? FileSystemEntryType.Unknown;

    /// <summary>
    /// Parses the record at the start of <paramref name="span"/>, which runs to the end of its block (or inline area),
    /// and checks rec_len ≥ 12, rec_len % 4 == 0, the record inside the block and name_len + 8 ≤ rec_len.
    /// </summary>
    public static Ext4DirEntry2 Parse(ReadOnlySpan<byte> span, bool hasFiletype, int blockSize, long diskOffset, string source)
    {
        if (span.Length < MinRecordLength)
        {
            throw new CorruptImageException(source, StructureName, "rec_len", diskOffset + Layout.RecLen,
                $"only {span.Length} bytes left in the block, less than the {MinRecordLength}-byte minimum record");
        }

        uint inode = BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.Inode..]);
        int recordLength = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.RecLen..]);
        if (blockSize == 65536 && (recordLength == 0 || recordLength == 65535))
        {
            recordLength = 65536;
        }

        if (recordLength < MinRecordLength || recordLength % 4 != 0 || recordLength > span.Length)
        {
            throw new CorruptImageException(source, StructureName, "rec_len", diskOffset + Layout.RecLen,
                $"record length {recordLength} is below {MinRecordLength}, not a multiple of 4 or crosses the end of the block ({span.Length} bytes left)");
        }

        int nameLength = hasFiletype ? span[Layout.NameLen] : BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.NameLen..]);
        byte fileType = hasFiletype ? span[Layout.FileType] : (byte)0;
        if (nameLength + HeaderSize > recordLength)
        {
            throw new CorruptImageException(source, StructureName, "name_len", diskOffset + Layout.NameLen,
                $"a {nameLength}-byte name does not fit a {recordLength}-byte record");
        }

        return new Ext4DirEntry2(inode, recordLength, nameLength, fileType);
    }

    /// <summary>The name bytes of a record parsed from <paramref name="span"/>.</summary>
    public ReadOnlySpan<byte> NameIn(ReadOnlySpan<byte> span) => span.Slice(HeaderSize, NameLength);

    /// <summary>Whether this record is the <c>ext4_dir_entry_tail</c> that carries a leaf block's checksum.</summary>
    public bool IsChecksumTail => Inode == 0 && RecordLength == MinRecordLength && NameLength == 0 && FileType == TailFileType;

    /// <summary>Field offsets within <c>ext4_dir_entry_2</c>.</summary>
    public static class Layout
    {
        public const int Inode = 0;
        public const int RecLen = 4;
        public const int NameLen = 6;
        public const int FileType = 7;
        public const int Name = 8;
    }
}
