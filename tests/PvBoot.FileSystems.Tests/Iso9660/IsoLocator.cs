using System.Buffers.Binary;
using System.Text;
using PvBoot.FileSystems.Iso9660;

namespace PvBoot.FileSystems.Tests.Iso9660;

/// <summary>Finds directory records and SUSP entries in a real ISO image, so a test can patch exactly one field.</summary>
internal sealed class IsoLocator
{
    private const int Block = 2048;
    private readonly byte[] image;

    public IsoLocator(string imagePath) => image = File.ReadAllBytes(imagePath);

    public long PrimaryOffset => 16 * Block;

    public uint VolumeSpaceSize => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)PrimaryOffset + IsoPrimaryVolumeDescriptor.Layout.VolumeSpaceSize));

    public long RootRecordOffset => PrimaryOffset + IsoPrimaryVolumeDescriptor.Layout.RootDirectoryRecord;

    /// <summary>The absolute offset of the record naming <paramref name="path"/> (by its in-record Rock Ridge NM name).</summary>
    public long Find(string path)
    {
        long record = RootRecordOffset;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            record = Children(record).First(r => NameOf(r) == part);
        }

        return record;
    }

    /// <summary>The records of the directory described by the record at <paramref name="directoryRecord"/>, without . and ...</summary>
    public IEnumerable<long> Children(long directoryRecord)
    {
        long start = Extent(directoryRecord) * (long)Block;
        long size = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)directoryRecord + IsoDirectoryRecord.Layout.Size));
        for (long sector = start; sector < start + size; sector += Block)
        {
            for (long r = sector; r < sector + Block && image[r] != 0; r += image[r])
            {
                int nameLength = image[r + IsoDirectoryRecord.Layout.NameLength];
                byte first = image[r + IsoDirectoryRecord.Layout.Name];
                if (nameLength == 1 && first is 0 or 1)
                {
                    continue;
                }

                yield return r;
            }
        }
    }

    public uint Extent(long record) => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)record + IsoDirectoryRecord.Layout.Extent));

    /// <summary>The absolute offset of the record's system use area.</summary>
    public long SystemUseArea(long record)
    {
        int nameLength = image[record + IsoDirectoryRecord.Layout.NameLength];
        return record + IsoDirectoryRecord.FixedSize + nameLength + ((nameLength & 1) == 0 ? 1 : 0);
    }

    /// <summary>The SUSP entries inside the record itself: signature and absolute offset.</summary>
    public IEnumerable<(string Signature, long Offset)> Entries(long record)
    {
        long end = record + image[record];
        for (long e = SystemUseArea(record); e + 4 <= end && image[e + 2] >= 4; e += image[e + 2])
        {
            yield return (Encoding.ASCII.GetString(image, (int)e, 2), e);
        }
    }

    public long Entry(long record, string signature) => Entries(record).First(e => e.Signature == signature).Offset;

    public string? NameOf(long record)
    {
        foreach ((string sig, long offset) in Entries(record))
        {
            if (sig == "NM")
            {
                return Encoding.UTF8.GetString(image, (int)offset + RrNm.Layout.Content, image[offset + 2] - RrNm.Layout.Content);
            }
        }

        return null;
    }
}
