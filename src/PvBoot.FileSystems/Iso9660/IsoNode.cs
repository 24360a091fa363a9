using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>A file, directory or other object of an ISO9660 volume, resolved from its directory record(s).</summary>
internal sealed class IsoNode
{
    public IsoNode(FileSystemEntryType type, IReadOnlyList<(long Offset, long Length)> extents, long size, long recordOffset, byte[]? symlinkTarget)
    {
        Type = type;
        Extents = extents;
        Size = size;
        RecordOffset = recordOffset;
        SymlinkTarget = symlinkTarget;
    }

    /// <summary>The object's type (from Rock Ridge <c>PX</c> where present).</summary>
    public FileSystemEntryType Type { get; }

    /// <summary>The data extents as absolute byte ranges, in file order (several for a multi-extent file).</summary>
    public IReadOnlyList<(long Offset, long Length)> Extents { get; }

    /// <summary>The size in bytes (for a symlink, the target's length).</summary>
    public long Size { get; }

    /// <summary>The absolute offset of the (first) directory record, for errors.</summary>
    public long RecordOffset { get; }

    /// <summary>The absolute offset of the Rock Ridge <c>PX</c> entry that gave the type, or -1.</summary>
    public long PosixOffset { get; init; } = -1;

    /// <summary>The Rock Ridge <c>SL</c> target of a symlink.</summary>
    public byte[]? SymlinkTarget { get; }
}
