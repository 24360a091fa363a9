namespace PvBoot.Grub2.Bls;

/// <summary>rpm's version comparison (<c>rpmvercmp</c>) as Fedora/RHEL's <c>blscfg</c> uses it (boot-config-semantics §6.2).</summary>
internal static class RpmVersion
{
    /// <summary>Compares two version strings: negative if <paramref name="a"/> is older, positive if newer, 0 if equal.</summary>
    public static int Compare(string? a, string? b)
    {
        a ??= string.Empty;
        b ??= string.Empty;
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }

        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !IsSignificant(a[i]))
            {
                i++;
            }

            while (j < b.Length && !IsSignificant(b[j]))
            {
                j++;
            }

            char ca = i < a.Length ? a[i] : '\0';
            char cb = j < b.Length ? b[j] : '\0';
            if (ca == '~' || cb == '~')
            {
                if (ca != '~')
                {
                    return 1;
                }

                if (cb != '~')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '+' || cb == '+')
            {
                if (i >= a.Length)
                {
                    return -1;
                }

                if (j >= b.Length)
                {
                    return 1;
                }

                if (ca != '+')
                {
                    return 1;
                }

                if (cb != '+')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (i >= a.Length || j >= b.Length)
            {
                break;
            }

            bool numeric = char.IsAsciiDigit(a[i]);
            int startA = i, startB = j;
            if (numeric)
            {
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }
            }
            else
            {
                while (i < a.Length && char.IsAsciiLetter(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiLetter(b[j]))
                {
                    j++;
                }
            }

            ReadOnlySpan<char> segA = a.AsSpan(startA, i - startA);
            ReadOnlySpan<char> segB = b.AsSpan(startB, j - startB);
            if (segB.IsEmpty)
            {
                return numeric ? 1 : -1;
            }

            int result;
            if (numeric)
            {
                segA = segA.TrimStart('0');
                segB = segB.TrimStart('0');
                result = segA.Length != segB.Length ? segA.Length.CompareTo(segB.Length) : segA.CompareTo(segB, StringComparison.Ordinal);
            }
            else
            {
                result = segA.CompareTo(segB, StringComparison.Ordinal);
            }

            if (result != 0)
            {
                return Math.Sign(result);
            }
        }

        bool leftA = i < a.Length, leftB = j < b.Length;
        return leftA == leftB ? 0 : leftA ? 1 : -1;
    }

    private static bool IsSignificant(char c) => char.IsAsciiLetterOrDigit(c) || c is '~' or '+';
}
