using PvBoot.Grub2.Evaluation;

namespace PvBoot.Grub2.Selection;

/// <summary>
/// Matches <c>default</c> and <c>fallback</c> values against one menu level exactly as GRUB's <c>normal/menu.c</c>
/// does: upstream reads a leading number first (<c>strtoul</c>, base 0, trailing text ignored) and only without one
/// looks for a title or id; Red Hat's fork tries ids, then titles, then a wholly numeric value (§3.2, §3.3).
/// </summary>
internal sealed class DefaultEntryResolver
{
    /// <summary>Creates a resolver for <paramref name="flavour"/>.</summary>
    public DefaultEntryResolver(Grub2Flavour flavour) => Flavour = flavour;

    /// <summary>The rules in force.</summary>
    public Grub2Flavour Flavour { get; }

    /// <summary>Finds the entry <paramref name="value"/> names at this level; -1 if none (GRUB then takes entry 0).</summary>
    /// <param name="menu">The entries of this level, as (title, id).</param>
    /// <param name="value">The value of <c>default</c>, or <see langword="null"/> when unset.</param>
    /// <param name="how">How it matched, for the explanation.</param>
    public int Match(IReadOnlyList<(string Title, string Id)> menu, string? value, out string how)
    {
        ArgumentNullException.ThrowIfNull(menu);
        if (value is null)
        {
            how = "default is unset";
            return -1;
        }

        int index = Flavour == Grub2Flavour.Upstream ? MatchUpstream(menu, value, out how) : MatchRedHat(menu, value, out how);
        if (index >= menu.Count)
        {
            how += $", but this menu has only {menu.Count} entries";
            return -1;
        }

        return index;
    }

    /// <summary>The text after the first single <c>&gt;</c> (a <c>&gt;&gt;</c> is a literal <c>&gt;</c>), or <see langword="null"/>.</summary>
    public static string? Remainder(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '>')
            {
                if (i + 1 < value.Length && value[i + 1] == '>')
                {
                    i++;
                    continue;
                }

                return value[(i + 1)..];
            }
        }

        return null;
    }

    /// <summary>GRUB's <c>menuentry_eq</c>: <paramref name="name"/> equals the first path component of <paramref name="spec"/>.</summary>
    public static bool ComponentEquals(string name, string spec)
    {
        int i = 0, j = 0;
        while (true)
        {
            bool singleGreater = j < spec.Length && spec[j] == '>' && !(j + 1 < spec.Length && spec[j + 1] == '>');
            if (singleGreater)
            {
                return i == name.Length;
            }

            if (j < spec.Length && spec[j] == '>')
            {
                j++;
            }

            char a = i < name.Length ? name[i] : '\0';
            char b = j < spec.Length ? spec[j] : '\0';
            if (a != b)
            {
                return false;
            }

            if (i >= name.Length)
            {
                return j >= spec.Length;
            }

            i++;
            j++;
        }
    }

    /// <summary>
    /// GRUB's <c>grub_strtoul(value, &amp;tail, 0)</c>: blanks skipped, a lowercase <c>0x</c> prefix selects base 16 (and
    /// is consumed even when no hex digit follows), a <c>0</c> followed by an octal digit selects base 8, anything else
    /// base 10 (so <c>08</c> is eight and <c>0X3</c> is zero followed by text). Returns false when no digit is found or the
    /// value overflows; <paramref name="tail"/> is where parsing stopped.
    /// </summary>
    public static bool TryParseLeadingNumber(string value, out ulong number, out int tail) =>
        TryParseLeadingNumber(value, out number, out tail, out _);

    /// <inheritdoc cref="TryParseLeadingNumber(string, out ulong, out int)"/>
    /// <param name="value">The text.</param>
    /// <param name="number">The number read.</param>
    /// <param name="tail">Where parsing stopped.</param>
    /// <param name="overflow">True when the digits overflow 64 bits (GRUB's out-of-range error, not a bad number).</param>
    public static bool TryParseLeadingNumber(string value, out ulong number, out int tail, out bool overflow)
    {
        number = 0;
        overflow = false;
        int i = 0;
        while (i < value.Length && value[i] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
        {
            i++;
        }

        uint radix = 10;
        if (i + 1 < value.Length && value[i] == '0' && value[i + 1] == 'x')
        {
            radix = 16;
            i += 2;
        }
        else if (i + 1 < value.Length && value[i] == '0' && value[i + 1] is >= '0' and <= '7')
        {
            radix = 8;
        }

        int start = i;
        for (; i < value.Length; i++)
        {
            uint digit = value[i] switch
            {
                >= '0' and <= '9' => (uint)(value[i] - '0'),
                >= 'a' and <= 'f' => (uint)(value[i] - 'a' + 10),
                >= 'A' and <= 'F' => (uint)(value[i] - 'A' + 10),
                _ => 99,
            };
            if (digit >= radix)
            {
                break;
            }

            if (number > (ulong.MaxValue - digit) / radix)
            {
                tail = i;
                number = 0;
                overflow = true;
                return false;
            }

            number = (number * radix) + digit;
        }

        tail = i;
        return i > start;
    }

    private static int MatchUpstream(IReadOnlyList<(string Title, string Id)> menu, string value, out string how)
    {
        if (TryParseLeadingNumber(value, out ulong number, out int tail, out bool overflow))
        {
            int index = unchecked((int)number);
            how = tail < value.Length
                ? $"'{value}' read as the number {index} (upstream GRUB ignores the text after it)"
                : $"'{value}' is the number {index}";
            return index < 0 ? -1 : index;
        }

        if (overflow)
        {
            how = $"'{value}' overflows GRUB's number parser";
            return -1;
        }

        for (int i = 0; i < menu.Count; i++)
        {
            if (ComponentEquals(menu[i].Title, value) || ComponentEquals(menu[i].Id, value))
            {
                how = $"'{value}' matches the title or id of entry {i}";
                return i;
            }
        }

        how = $"'{value}' is neither a number nor a title or id at this level";
        return -1;
    }

    private static int MatchRedHat(IReadOnlyList<(string Title, string Id)> menu, string value, out string how)
    {
        for (int i = 0; i < menu.Count; i++)
        {
            if (ComponentEquals(menu[i].Id, value))
            {
                how = $"'{value}' matches the id of entry {i} (ids are tried first)";
                return i;
            }
        }

        for (int i = 0; i < menu.Count; i++)
        {
            if (ComponentEquals(menu[i].Title, value))
            {
                how = $"'{value}' matches the title of entry {i}";
                return i;
            }
        }

        if (TryParseLeadingNumber(value, out ulong number, out int tail) && tail == value.Length && number <= int.MaxValue)
        {
            how = $"'{value}' is the number {number}";
            return (int)number;
        }

        how = $"'{value}' matches no id or title and is not wholly a number";
        return -1;
    }
}
