using System.Text;

namespace PvBoot.Core.Partitions;

/// <summary>
/// The physical volume header that follows the label (<c>pv_header</c> in LVM2's <c>format-text/layout.h</c>): the
/// volume's UUID, its size, and two zero-terminated lists of <see cref="LvmDiskLocation"/>s: the data areas, then the
/// metadata areas.
/// </summary>
internal readonly struct LvmPvHeader
{
    /// <summary>The size of the fixed part in bytes (the UUID and the device size).</summary>
    public const int Size = 40;

    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "pv_header";

    /// <summary>The length of the UUID in bytes (32 characters without dashes).</summary>
    public const int UuidLength = 32;

    private LvmPvHeader(string uuid, ulong deviceSize, LvmDiskLocation[] dataAreas, LvmDiskLocation[] metadataAreas)
    {
        PvUuid = uuid;
        DeviceSizeXl = deviceSize;
        DataAreas = dataAreas;
        MetadataAreas = metadataAreas;
    }

    /// <summary><c>pv_uuid</c>, 32 characters without the dashes the text metadata shows.</summary>
    public string PvUuid { get; }

    /// <summary><c>device_size_xl</c>: the size of the volume in bytes when it was labelled.</summary>
    public ulong DeviceSizeXl { get; }

    /// <summary>The data areas (normally one, starting at <c>pe_start</c>).</summary>
    public IReadOnlyList<LvmDiskLocation> DataAreas { get; }

    /// <summary>The metadata areas (normally one, after the label; two with <c>--metadatacopies 2</c>).</summary>
    public IReadOnlyList<LvmDiskLocation> MetadataAreas { get; }

    /// <summary>Reads the header and its two area lists.</summary>
    /// <param name="span">The rest of the label sector from the start of the header.</param>
    /// <param name="diskOffset">The absolute offset of the header in the image.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <returns>The header.</returns>
    public static LvmPvHeader Parse(ReadOnlySpan<byte> span, long diskOffset, string source)
    {
        if (span.Length < Size)
        {
            throw new CorruptImageException(source, StructureName, "pv_uuid", diskOffset, $"needs {Size} bytes but only {span.Length} are left in the label sector");
        }

        // Invalid bytes become U+FFFD; the UUID is only compared with the text metadata.
        string uuid = Encoding.ASCII.GetString(span.Slice(Layout.PvUuid, UuidLength));
        ulong deviceSize = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(span[Layout.DeviceSizeXl..]);
        int at = Layout.DiskAreasXl;
        LvmDiskLocation[] data = ReadList(span, ref at, diskOffset, source);
        LvmDiskLocation[] metadata = ReadList(span, ref at, diskOffset, source);
        return new LvmPvHeader(uuid, deviceSize, data, metadata);
    }

    private static LvmDiskLocation[] ReadList(ReadOnlySpan<byte> span, ref int at, long diskOffset, string source)
    {
        // The sector bounds the list: at most (512 - 32 - 40) / 16 entries fit, so no count can run away.
        var list = new List<LvmDiskLocation>();
        while (true)
        {
            var location = LvmDiskLocation.Parse(span[Math.Min(at, span.Length)..], diskOffset + at, source);
            at += LvmDiskLocation.Size;
            if (location.IsTerminator)
            {
                return [.. list];
            }

            list.Add(location);
        }
    }

    /// <summary>Field offsets within the header.</summary>
    internal static class Layout
    {
        /// <summary><c>pv_uuid</c>, 32 bytes.</summary>
        public const int PvUuid = 0;

        /// <summary><c>device_size_xl</c>, 8 bytes.</summary>
        public const int DeviceSizeXl = 32;

        /// <summary><c>disk_areas_xl</c>: the data area list, then the metadata area list.</summary>
        public const int DiskAreasXl = 40;
    }
}
