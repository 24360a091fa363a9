namespace PvBoot.Grub2;

/// <summary>
/// GRUB's environment block (grub-core/lib/envblk.c): the exact signature line, then <c>name=value</c> records ending
/// at an unescaped LF, <c>#</c> lines skipped. A missing signature (CRLF included) makes the whole block invalid.
/// </summary>
internal static class Grubenv
{
    /// <summary>The signature every block starts with.</summary>
    public const string Signature = "# GRUB Environment Block\n";

    /// <summary>Parses a block given as Latin-1 text.</summary>
    /// <param name="text">The file content, one character per byte.</param>
    /// <param name="variables">The variables in file order (a later duplicate overwrites an earlier one when applied).</param>
    /// <returns><see langword="false"/> if the block is invalid (nothing is loaded).</returns>
    public static bool TryParse(string text, out List<KeyValuePair<string, string>> variables)
    {
        ArgumentNullException.ThrowIfNull(text);
        variables = [];
        if (!text.StartsWith(Signature, StringComparison.Ordinal))
        {
            return false;
        }

        int position = Signature.Length;
        while (position < text.Length)
        {
            if (text[position] == '#')
            {
                int newline = text.IndexOf('\n', position);
                if (newline < 0)
                {
                    break;
                }

                position = newline + 1;
                continue;
            }

            int equals = text.IndexOf('=', position);
            if (equals < 0)
            {
                break;
            }

            string name = text[position..equals];
            var value = new System.Text.StringBuilder();
            int i = equals + 1;
            bool terminated = false;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '\\' && i + 1 < text.Length)
                {
                    value.Append(text[i + 1]);
                    i += 2;
                    continue;
                }

                if (c == '\n')
                {
                    terminated = true;
                    break;
                }

                value.Append(c);
                i++;
            }

            if (!terminated)
            {
                break;
            }

            variables.Add(new KeyValuePair<string, string>(name, value.ToString()));
            position = i + 1;
        }

        return true;
    }
}
