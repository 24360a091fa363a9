using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Common;

/// <summary>Budgets shared by the GRUB legacy, syslinux and LILO readers, independent of what the file claims.</summary>
internal static class ConfigLimits
{
    /// <summary>The longest physical line accepted (GRUB legacy's own buffer holds 1,500; real kernel lines stay far below this).</summary>
    public const int MaxLineLength = 16 * 1024;

    /// <summary>The most menu entries one configuration may define (including everything it includes).</summary>
    public const int MaxEntries = 10_000;

    /// <summary>The deepest nesting of syslinux <c>INCLUDE</c>/<c>CONFIG</c> (syslinux itself stops at 16).</summary>
    public const int MaxIncludeDepth = 16;

    /// <summary>The most initrd files one entry may load (syslinux <c>initrd=a,b,…</c>).</summary>
    public const int MaxInitrdFiles = 256;

    /// <summary>The most files one evaluation reads through <c>INCLUDE</c> and <c>CONFIG</c>.</summary>
    public const int MaxIncludedFiles = 128;

    /// <summary>Rejects a text with a physical line longer than <see cref="MaxLineLength"/>, before any grammar runs on it.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="file">The file's path, for the message.</param>
    /// <exception cref="ConfigSyntaxException">A line is too long.</exception>
    public static void CheckLineLengths(string text, string file)
    {
        int line = 1;
        int start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            if (end - start > MaxLineLength)
            {
                throw new ConfigSyntaxException(new SourceLocation(file, line, 1),
                    $"too large: a line of {end - start} characters, more than the {MaxLineLength}-character cap");
            }

            start = end + 1;
            line++;
        }
    }

    /// <summary>
    /// Rejects a text that cannot hold at most <see cref="MaxEntries"/> entries before the grammar runs over it:
    /// <paramref name="entryStarts"/> counts, for one physical line, an upper bound of the entries it can start.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="file">The file's path, for the message.</param>
    /// <param name="entryStarts">How many entries a line (leading blanks removed) may start.</param>
    /// <exception cref="ConfigSyntaxException">More entry starts than the cap.</exception>
    public static void PreScanEntries(string text, string file, Func<string, int> entryStarts)
    {
        int count = 0;
        int line = 1;
        foreach (string physical in text.Split('\n'))
        {
            count += entryStarts(physical.TrimStart(' ', '\t', '\r'));
            if (count > MaxEntries)
            {
                throw new ConfigSyntaxException(new SourceLocation(file, line, 1), $"too many menu entries: more than {MaxEntries}");
            }

            line++;
        }
    }

    /// <summary>Counts the occurrences of <paramref name="word"/> in <paramref name="line"/>.</summary>
    /// <param name="line">The text.</param>
    /// <param name="word">The word.</param>
    /// <param name="comparison">How to compare.</param>
    /// <returns>The count.</returns>
    public static int Occurrences(string line, string word, StringComparison comparison)
    {
        int count = 0;
        for (int at = line.IndexOf(word, comparison); at >= 0; at = line.IndexOf(word, at + word.Length, comparison))
        {
            count++;
        }

        return count;
    }

    /// <summary>Fails when a menu grows past <see cref="MaxEntries"/>.</summary>
    /// <param name="count">The number of entries including the new one.</param>
    /// <param name="location">Where the new entry starts.</param>
    /// <exception cref="ConfigSyntaxException">There are too many entries.</exception>
    public static void CheckEntryCount(int count, SourceLocation location)
    {
        if (count > MaxEntries)
        {
            throw new ConfigSyntaxException(location, $"too many menu entries: more than {MaxEntries}");
        }
    }
}
