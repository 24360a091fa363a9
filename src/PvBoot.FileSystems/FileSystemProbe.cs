using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems;

/// <summary>
/// One file system format PvBoot can read: a cheap signature test and an opener. The registry
/// (<see cref="FileSystemProbes.All"/>) is a static, ordered list, safe for trimming and native AOT.
/// </summary>
public sealed class FileSystemProbe
{
    private readonly Func<IBlockSource, bool> matches;
    private readonly Func<IBlockSource, FileSystemBudgets, IFileSystemReader> open;

    internal FileSystemProbe(string name, Func<IBlockSource, bool> matches, Func<IBlockSource, FileSystemBudgets, IFileSystemReader> open)
    {
        Name = name;
        this.matches = matches;
        this.open = open;
    }

    /// <summary>The format's name, as in <see cref="IFileSystemReader.FileSystemType"/>.</summary>
    public string Name { get; }

    /// <summary>Whether the source carries this format's signature (magic numbers only; nothing is validated yet).</summary>
    /// <param name="source">The candidate partition.</param>
    /// <returns><see langword="true"/> if the signature is present.</returns>
    public bool Matches(IBlockSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return matches(source);
    }

    /// <summary>Opens and validates the file system.</summary>
    /// <param name="source">The partition.</param>
    /// <param name="budgets">The limits to enforce; <see cref="FileSystemBudgets.Default"/> if <see langword="null"/>.</param>
    /// <returns>The reader.</returns>
    public IFileSystemReader Open(IBlockSource source, FileSystemBudgets? budgets = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return open(source, budgets ?? FileSystemBudgets.Default);
    }
}
