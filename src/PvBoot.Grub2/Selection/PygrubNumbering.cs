namespace PvBoot.Grub2.Selection;

/// <summary>
/// pygrub 4.17's flat numbering of a grub.cfg: every line (stripped) matching <c>menuentry ["'](.*?)["'] (.*){</c>
/// outside <c>function</c> blocks counts, whatever submenu or condition it is in (boot-config-semantics §3.5, §11).
/// </summary>
internal static class PygrubNumbering
{
    /// <summary>Maps 1-based line numbers of the file to pygrub's 0-based entry numbers.</summary>
    public static Dictionary<int, int> Compute(string text)
    {
        var result = new Dictionary<int, int>();
        bool inFunction = false;
        int index = 0;
        int lineNumber = 0;
        int start = 0;
        bool last = false;
        while (!last)
        {
            // The lines of text.Split('\n'), each stripped, without copying them.
            int newline = text.IndexOf('\n', start);
            last = newline < 0;
            int end = last ? text.Length : newline;
            ReadOnlySpan<char> line = text.AsSpan(start, end - start).Trim();
            start = end + 1;
            lineNumber++;
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

            if (IsMenuEntryLine(line))
            {
                result[lineNumber] = index++;
            }
        }

        return result;
    }

    /// <summary>
    /// Whether a stripped line matches pygrub's pattern: <c>menuentry </c>, a quote, then somewhere a quote followed by a
    /// space with a <c>{</c> after it. A linear scan, so no input can make it slow.
    /// </summary>
    internal static bool IsMenuEntryLine(ReadOnlySpan<char> line)
    {
        const string Keyword = "menuentry ";
        if (line.Length <= Keyword.Length || !line.StartsWith(Keyword, StringComparison.Ordinal) || !IsQuote(line[Keyword.Length]))
        {
            return false;
        }

        int lastBrace = line.LastIndexOf('{');
        for (int i = Keyword.Length + 1; i + 1 < lastBrace; i++)
        {
            if (IsQuote(line[i]) && line[i + 1] == ' ')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsQuote(char c) => c is '"' or '\'';
}
