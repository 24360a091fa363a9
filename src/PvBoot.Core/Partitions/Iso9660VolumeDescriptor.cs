namespace PvBoot.Core.Partitions;

/// <summary>
/// The header of an ISO 9660 volume descriptor (ECMA-119 §8.1): only what is needed to recognise the primary volume
/// descriptor at byte 32768 of a hybrid ISO image.
/// </summary>
internal readonly struct Iso9660VolumeDescriptor
{
    /// <summary>The size of the header fields read.</summary>
    public const int Size = 7;

    /// <summary>The byte offset of the first volume descriptor (sector 16 of 2048 bytes).</summary>
    public const long PrimaryOffset = 16 * 2048;

    /// <summary>The type of a primary volume descriptor.</summary>
    public const byte PrimaryType = 1;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "iso_volume_descriptor";

    private static ReadOnlySpan<byte> StandardIdentifier => "CD001"u8;

    private Iso9660VolumeDescriptor(byte type, bool identified, byte version)
    {
        Type = type;
        HasStandardIdentifier = identified;
        Version = version;
    }

    /// <summary>The volume descriptor type (1 for the primary volume descriptor).</summary>
    public byte Type { get; }

    /// <summary>Whether the standard identifier reads "CD001".</summary>
    public bool HasStandardIdentifier { get; }

    /// <summary>The volume descriptor version (1).</summary>
    public byte Version { get; }

    /// <summary>Whether this is an ISO 9660 primary volume descriptor.</summary>
    public bool IsPrimary => Type == PrimaryType && HasStandardIdentifier && Version == 1;

    /// <summary>Reads the header.</summary>
    /// <param name="span">At least <see cref="Size"/> bytes starting at the descriptor.</param>
    /// <param name="diskOffset">The absolute offset of the descriptor in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The header.</returns>
    public static Iso9660VolumeDescriptor Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "size", diskOffset, $"needs {Size} bytes but only {span.Length} are available");
        }

        return new Iso9660VolumeDescriptor(
            span[Layout.Type],
            span.Slice(Layout.StandardIdentifier, StandardIdentifier.Length).SequenceEqual(StandardIdentifier),
            span[Layout.Version]);
    }

    /// <summary>Field offsets within the descriptor.</summary>
    internal static class Layout
    {
        /// <summary>Volume descriptor type, 1 byte.</summary>
        public const int Type = 0;

        /// <summary>Standard identifier "CD001", 5 bytes.</summary>
        public const int StandardIdentifier = 1;

        /// <summary>Volume descriptor version, 1 byte.</summary>
        public const int Version = 6;
    }
}
