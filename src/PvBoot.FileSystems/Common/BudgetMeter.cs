using PvBoot.Core;
using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems.Common;

/// <summary>Counts the work of one reader call against <see cref="FileSystemBudgets"/>.</summary>
internal sealed class BudgetMeter
{
    private readonly string source;
    private readonly FileSystemBudgets budgets;
    private int metadataBlocks;
    private int directoryEntries;

    public BudgetMeter(string source, FileSystemBudgets budgets)
    {
        this.source = source;
        this.budgets = budgets;
    }

    /// <summary>Starts counting a new call.</summary>
    public void Reset()
    {
        metadataBlocks = 0;
        directoryEntries = 0;
    }

    /// <summary>Counts one metadata block about to be read.</summary>
    public void ChargeMetadataBlock(string structure, long offset)
    {
        if (++metadataBlocks > budgets.MaxMetadataBlocks)
        {
            throw new CorruptImageException(source, structure, "(metadata blocks)", offset,
                $"more than {budgets.MaxMetadataBlocks} metadata blocks visited in one operation", ImageProblem.LimitExceeded);
        }
    }

    /// <summary>Counts one directory entry examined.</summary>
    public void ChargeDirectoryEntry(string structure, long offset)
    {
        if (++directoryEntries > budgets.MaxDirectoryEntries)
        {
            throw new CorruptImageException(source, structure, "(directory entries)", offset,
                $"more than {budgets.MaxDirectoryEntries} directory entries examined in one operation", ImageProblem.LimitExceeded);
        }
    }

    /// <summary>Checks a tree depth against both the format's legal maximum and the budget.</summary>
    public void CheckDepth(int depth, int formatMaximum, string structure, string field, long offset)
    {
        int limit = Math.Min(formatMaximum, budgets.MaxTreeDepth);
        if (depth > limit || depth < 0)
        {
            throw new CorruptImageException(source, structure, field, offset, $"tree depth {depth} exceeds the maximum of {limit}");
        }
    }
}
