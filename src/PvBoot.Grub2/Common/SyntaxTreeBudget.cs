namespace PvBoot.Grub2.Common;

/// <summary>
/// How many characters of one file's <c>{ … }</c> blocks may be kept as syntax trees when the file is read (see
/// <see cref="Ast.Block"/>). Blocks past the budget are kept as their place in the text and parsed again when they run,
/// so a configuration of any size holds its text plus the trees of at most this many characters.
/// </summary>
internal sealed class SyntaxTreeBudget
{
    /// <summary>The budget of one file: more than grub-mkconfig writes for a few dozen kernels (Debian's, for one, is 4.7 KB).</summary>
    public const int DefaultCharacters = 64 * 1024;

    private int remaining;

    /// <summary>A budget of <paramref name="characters"/> characters.</summary>
    /// <param name="characters">How many characters' trees may be kept.</param>
    public SyntaxTreeBudget(int characters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(characters);
        remaining = characters;
    }

    /// <summary>How many characters are left.</summary>
    public int Remaining => remaining;

    /// <summary>Takes <paramref name="characters"/> from the budget if that many are left; otherwise takes nothing.</summary>
    /// <param name="characters">The length of the text whose tree is to be kept.</param>
    /// <returns>Whether the tree may be kept.</returns>
    public bool TryTake(int characters)
    {
        if (characters < 0 || characters > remaining)
        {
            return false;
        }

        remaining -= characters;
        return true;
    }
}
