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
