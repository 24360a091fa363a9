using System.Globalization;
using System.Numerics;

namespace PvBoot.Shim.CommandLine;

/// <summary>Python's <c>int(text)</c> for a decimal string, which pygrub uses for <c>--offset</c> and <c>--runas</c>.</summary>
internal static class PythonInteger
{
    /// <summary>
    /// Parses like <c>int(text)</c>: surrounding white space, an optional sign, decimal digits (any Unicode decimal
    /// digit) with single underscores between digits. Returns <see langword="false"/> where Python raises ValueError.
    /// </summary>
    public static bool TryParse(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        int start = 0;
        int end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        bool negative = false;
        if (start < end && (text[start] == '+' || text[start] == '-'))
        {
            negative = text[start] == '-';
            start++;
        }

        if (start >= end)
        {
            return false;
        }

        bool previousWasDigit = false;
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (c == '_')
            {
                if (!previousWasDigit || i + 1 >= end)
                {
                    return false;
                }

                previousWasDigit = false;
                continue;
            }

            int digit = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (digit < 0 || CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.DecimalDigitNumber)
            {
                return false;
            }

            value = (value * 10) + digit;
            previousWasDigit = true;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool IsPythonSpace(char c) =>
        c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x1f' or '\x85' or '\xa0'
        || (c > 0xFF && char.IsWhiteSpace(c));
}
