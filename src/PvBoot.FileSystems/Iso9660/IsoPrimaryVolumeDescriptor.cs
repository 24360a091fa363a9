using System.Buffers.Binary;
using PvBoot.Core;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>
/// A primary (type 1) or supplementary (type 2, Joliet) volume descriptor (<c>iso_primary_descriptor</c>); both share
/// this layout. Volume descriptors start at sector 16, one per 2048-byte sector, and end with a type 255 terminator.
/// </summary>
internal readonly struct IsoPrimaryVolumeDescriptor
{
    /// <summary>The bytes the structure occupies.</summary>
    public const int Size = 2048;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "iso_primary_descriptor";

    /// <summary>Type of the primary volume descriptor.</summary>
    public const byte TypePrimary = 1;

    /// <summary>Type of a supplementary volume descriptor.</summary>
    public const byte TypeSupplementary = 2;

    /// <summary>Type of the set terminator.</summary>
    public const byte TypeTerminator = 255;

    private IsoPrimaryVolumeDescriptor(byte type, byte[] volumeId, uint volumeSpaceSize, byte[] escapeSequences, byte[] rootRecord, byte[] modificationDate)
    {
        Type = type;
        VolumeId = volumeId;
        VolumeSpaceSize = volumeSpaceSize;
        EscapeSequences = escapeSequences;
        RootRecord = rootRecord;
        ModificationDate = modificationDate;
    }

    /// <summary><c>type</c>.</summary>
    public byte Type { get; }

    /// <summary><c>volume_id</c>, 32 bytes (UCS-2 big endian in a Joliet descriptor).</summary>
    public byte[] VolumeId { get; }

    /// <summary><c>volume_space_size</c> in 2048-byte blocks.</summary>
    public uint VolumeSpaceSize { get; }

    /// <summary><c>escape</c>, 32 bytes: <c>%/@</c>, <c>%/C</c> or <c>%/E</c> mark Joliet.</summary>
    public byte[] EscapeSequences { get; }

    /// <summary>The 34-byte <c>root_directory_record</c>.</summary>
    public byte[] RootRecord { get; }

    /// <summary><c>modification_date</c>, 17 bytes: 16 ASCII digits and a time zone.</summary>
    public byte[] ModificationDate { get; }

    /// <summary>Whether this is a Joliet supplementary descriptor (UCS-2 level 1, 2 or 3).</summary>
    public bool IsJoliet => Type == TypeSupplementary && EscapeSequences[0] == 0x25 && EscapeSequences[1] == 0x2F
        && EscapeSequences[2] is 0x40 or 0x43 or 0x45;

    /// <summary>Whether <paramref name="span"/> carries the <c>CD001</c> standard identifier.</summary>
    /// <param name="span">A descriptor sector.</param>
    /// <returns><see langword="true"/> if it does.</returns>
    public static bool HasIdentifier(ReadOnlySpan<byte> span)
        => span.Length >= 7 && span.Slice(Layout.Identifier, 5).SequenceEqual("CD001"u8);

    /// <summary>Parses a descriptor.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes.</param>
    /// <param name="diskOffset">The absolute offset of <paramref name="span"/>.</param>
    /// <param name="source">The source name for errors.</param>
    /// <returns>The descriptor.</returns>
    public static IsoPrimaryVolumeDescriptor Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "(size)", diskOffset, "the volume descriptor is truncated");
        }

        if (!HasIdentifier(span))
        {
            throw new CorruptImageException(source, StructureName, "id", diskOffset + Layout.Identifier, "the standard identifier is not CD001");
        }

        byte type = span[Layout.Type];
        if (type is TypePrimary or TypeSupplementary)
        {
            ushort blockSize = BinaryPrimitives.ReadUInt16LittleEndian(span[Layout.LogicalBlockSize..]);
            if (blockSize != 2048)
            {
                throw new CorruptImageException(source, StructureName, "logical_block_size", diskOffset + Layout.LogicalBlockSize,
                    $"a logical block size of {blockSize} bytes is not supported (only 2048)", ImageProblem.Unsupported);
            }
        }

        return new IsoPrimaryVolumeDescriptor(
            type,
            span.Slice(Layout.VolumeId, 32).ToArray(),
            BinaryPrimitives.ReadUInt32LittleEndian(span[Layout.VolumeSpaceSize..]),
            span.Slice(Layout.Escape, 32).ToArray(),
            span.Slice(Layout.RootDirectoryRecord, 34).ToArray(),
            span.Slice(Layout.ModificationDate, 17).ToArray());
    }

    /// <summary>Field offsets.</summary>
    public static class Layout
    {
        /// <summary><c>type</c>.</summary>
        public const int Type = 0;

        /// <summary><c>id</c>: "CD001".</summary>
        public const int Identifier = 1;

        /// <summary><c>version</c>.</summary>
        public const int Version = 6;

        /// <summary><c>volume_id</c>.</summary>
        public const int VolumeId = 40;

        /// <summary><c>volume_space_size</c> (both-endian; the little-endian half).</summary>
        public const int VolumeSpaceSize = 80;

        /// <summary><c>escape</c> (supplementary descriptors only).</summary>
        public const int Escape = 88;

        /// <summary><c>logical_block_size</c> (both-endian; the little-endian half).</summary>
        public const int LogicalBlockSize = 128;

        /// <summary><c>root_directory_record</c>.</summary>
        public const int RootDirectoryRecord = 156;

        /// <summary><c>creation_date</c>.</summary>
        public const int CreationDate = 813;

        /// <summary><c>modification_date</c>.</summary>
        public const int ModificationDate = 830;
    }
}
