namespace PvBoot.Core.FileSystems;

/// <summary>
/// Limits every file system reader enforces independently of what the image claims. Counters other than
/// <see cref="MaxFileBytes"/> apply to one call on <see cref="IFileSystemReader"/> (a lookup, a listing, a read).
/// </summary>
public sealed record FileSystemBudgets
{
    /// <summary>The defaults: generous for real guests, small enough to bound a hostile one.</summary>
    public static FileSystemBudgets Default { get; } = new();

    /// <summary>Metadata blocks (inodes, tree nodes, directory blocks) one call may visit. Default 1,000,000.</summary>
    public int MaxMetadataBlocks { get; init; } = 1_000_000;

    /// <summary>Directory entries one call may examine. Default 2,000,000.</summary>
    public int MaxDirectoryEntries { get; init; } = 2_000_000;

    /// <summary>Depth of any on-disk tree (extent tree, B+tree). Default 16; formats with a lower legal maximum use theirs.</summary>
    public int MaxTreeDepth { get; init; } = 16;

    /// <summary>Symbolic links followed while resolving one path. Default 40, as Linux.</summary>
    public int MaxSymlinkHops { get; init; } = 40;

    /// <summary>Path components processed while resolving one path, including those that symlinks add. Default 4,096.</summary>
    public int MaxPathComponents { get; init; } = 4096;

    /// <summary>Length of a path or symlink target in bytes. Default 4,096.</summary>
    public int MaxPathBytes { get; init; } = 4096;

    /// <summary>Largest file that may be copied out (kernel, initrd, config). Default 512 MiB, checked before writing.</summary>
    public long MaxFileBytes { get; init; } = 512L * 1024 * 1024;
}
