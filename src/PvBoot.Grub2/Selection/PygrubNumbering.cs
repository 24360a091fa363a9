using System.Text.RegularExpressions;

namespace PvBoot.Grub2.Selection;

/// <summary>
/// pygrub 4.17's flat numbering of a grub.cfg: every line (stripped) matching <c>menuentry ["'](.*?)["'] (.*){</c>
/// outside <c>function</c> blocks counts, whatever submenu or condition it is in (boot-config-semantics §3.5, §11).
/// </summary>
internal static partial class PygrubNumbering
{
    /// <summary>Maps 1-based line numbers of the file to pygrub's 0-based entry numbers.</summary>
    public static Dictionary<int, int> Compute(string text)
    {
        var result = new Dictionary<int, int>();
        bool inFunction = false;
        int index = 0;
        int lineNumber = 0;
        foreach (string rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("function", StringComparison.Ordinal))
            {
                inFunction = true;
                continue;
            }

            if (inFunction)
            {
                if (line.StartsWith('}'))
                {
                    inFunction = false;
                }

                continue;
            }

            if (MenuEntryLine().IsMatch(line))
            {
                result[lineNumber] = index++;
            }
        }

        return result;
    }

    [GeneratedRegex("^menuentry [\"'](.*?)[\"'] (.*)\\{", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex MenuEntryLine();
}
