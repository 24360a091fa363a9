namespace PvBoot.Core.FileSystems;

/// <summary>
/// Optional interface of a reader whose file system holds several directory trees, each of which can be shown as
/// <c>/</c> (btrfs subvolumes). A boot loader may start path lookups at the top-level tree (upstream GRUB) or at the
/// default one (SUSE's GRUB with <c>btrfs_relative_path</c>); this interface offers both without a second probe.
/// </summary>
public interface ISubvolumeFileSystem
{
    /// <summary>The id of the subvolume this reader shows as <c>/</c>.</summary>
    ulong SubvolumeId { get; }

    /// <summary>The id of the top-level subvolume, which contains every other one (5 on btrfs).</summary>
    ulong TopLevelSubvolumeId { get; }

    /// <summary>The id of the default subvolume (<c>btrfs subvolume set-default</c>; the top level when none is set).</summary>
    ulong DefaultSubvolumeId { get; }

    /// <summary>Opens a reader over the same bytes whose <c>/</c> is the top directory of subvolume <paramref name="id"/>.</summary>
    /// <param name="id">A subvolume id.</param>
    /// <returns>The reader, or <see langword="null"/> when the file system has no subvolume with that id.</returns>
    IFileSystemReader? OpenSubvolume(ulong id);

    /// <summary>The subvolume whose top directory <paramref name="path"/> names, resolved in this reader.</summary>
    /// <param name="path">An absolute path.</param>
    /// <returns>The subvolume id, or <see langword="null"/> when the path does not exist or is not a subvolume's top directory.</returns>
    ulong? FindSubvolume(ReadOnlySpan<byte> path);

    /// <summary>The path of a subvolume's top directory as seen from the top-level subvolume (<c>/</c> for the top level itself).</summary>
    /// <param name="id">A subvolume id.</param>
    /// <returns>The path, or <see langword="null"/> when the subvolume does not exist or is not reachable from the top level.</returns>
    byte[]? SubvolumePath(ulong id);
}
