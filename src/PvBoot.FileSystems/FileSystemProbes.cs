using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems;

/// <summary>The ordered registry of file system formats.</summary>
public static class FileSystemProbes
{
    /// <summary>
    /// Every supported format, in probing order: formats with strong signatures first; FAT, whose signature is weak,
    /// last; ISO9660 before FAT so that a hybrid ISO is read as ISO at offset 0.
    /// </summary>
    public static IReadOnlyList<FileSystemProbe> All { get; } =
    [
        new FileSystemProbe("ext2", Ext.ExtFileSystem.Matches, Ext.ExtFileSystem.Open),
        new FileSystemProbe("xfs", Xfs.XfsFileSystem.Matches, Xfs.XfsFileSystem.Open),
        new FileSystemProbe("btrfs", Btrfs.BtrfsFileSystem.Matches, Btrfs.BtrfsFileSystem.Open),
        new FileSystemProbe("iso9660", Iso9660.Iso9660FileSystem.Matches, Iso9660.Iso9660FileSystem.Open),
        new FileSystemProbe("fat", Fat.FatFileSystem.Matches, Fat.FatFileSystem.Open),
    ];

    /// <summary>Opens the first format whose signature matches.</summary>
    /// <param name="source">The candidate partition.</param>
    /// <param name="budgets">The limits to enforce.</param>
    /// <returns>The reader, or <see langword="null"/> when no signature matches.</returns>
    /// <exception cref="Core.CorruptImageException">A signature matched but the file system is corrupt or unsupported.</exception>
    public static IFileSystemReader? TryOpen(IBlockSource source, FileSystemBudgets? budgets = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (FileSystemProbe probe in All)
        {
            if (probe.Matches(source))
            {
                return probe.Open(source, budgets);
            }
        }

        return null;
    }
}
