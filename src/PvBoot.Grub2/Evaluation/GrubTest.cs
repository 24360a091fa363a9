namespace PvBoot.Grub2.Evaluation;

/// <summary>
/// GRUB's <c>test</c> / <c>[</c> (grub-core/commands/test.c): terms are AND-ed left to right, <c>-o</c> ORs, <c>!</c>
/// negates the next term, <c>( … )</c> groups, and any other single argument is true iff non-empty.
/// </summary>
internal sealed class GrubTest
{
    private readonly Func<string, char, bool> fileTest;
    private readonly Action<string> warn;

    /// <param name="fileTest">Answers <c>-d</c>, <c>-e</c>, <c>-f</c>, <c>-s</c> for a GRUB file name.</param>
    /// <param name="warn">Receives what could not be decided.</param>
    public GrubTest(Func<string, char, bool> fileTest, Action<string> warn)
    {
        this.fileTest = fileTest;
        this.warn = warn;
    }

    /// <summary>Evaluates the arguments of <c>test</c> or <c>[</c> (a trailing <c>]</c> is dropped).</summary>
    public bool Evaluate(IReadOnlyList<string> arguments)
    {
        int count = arguments.Count;
        if (count > 0 && arguments[count - 1] == "]")
        {
            count--;
        }

        int position = 0;
        return Parse(arguments, ref position, count, depth: 0);
    }

    /// <summary>Parses a number as C's <c>strtol</c>/<c>strtoul</c> with base 0: leading blanks, sign, <c>0x</c>, octal; stops at the first invalid character; saturates.</summary>
    public static long ParseCNumber(string text, out bool any)
    {
        int i = 0;
        any = false;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
        {
            i++;
        }

        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        int radix = 10;
        if (i + 1 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 2]))
        {
            radix = 16;
            i += 2;
        }
        else if (i < text.Length && text[i] == '0')
        {
            radix = 8;
        }

        long value = 0;
        bool overflow = false;
        for (; i < text.Length; i++)
        {
            int digit = text[i] switch
            {
                >= '0' and <= '9' => text[i] - '0',
                >= 'a' and <= 'f' => text[i] - 'a' + 10,
                >= 'A' and <= 'F' => text[i] - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                break;
            }

            any = true;
            if (!overflow)
            {
                if (value > (long.MaxValue - digit) / radix)
                {
                    overflow = true;
                }
                else
                {
                    value = (value * radix) + digit;
                }
            }
        }

        if (overflow)
        {
            value = long.MaxValue;
        }

        return negative ? -value : value;
    }

    private bool Parse(IReadOnlyList<string> args, ref int n, int count, int depth)
    {
        bool and = true, or = false, invert = false;
        void Update(bool value)
        {
            and = and && (invert ? !value : value);
            invert = false;
        }

        while (n < count)
        {
            if (n + 2 < count)
            {
                string a = args[n], op = args[n + 1], b = args[n + 2];
                bool? three = op switch
                {
                    "=" or "==" => string.CompareOrdinal(a, b) == 0,
                    "!=" => string.CompareOrdinal(a, b) != 0,
                    "<" => string.CompareOrdinal(a, b) < 0,
                    "<=" => string.CompareOrdinal(a, b) <= 0,
                    ">" => string.CompareOrdinal(a, b) > 0,
                    ">=" => string.CompareOrdinal(a, b) >= 0,
                    "-eq" => ParseCNumber(a, out _) == ParseCNumber(b, out _),
                    "-ne" => ParseCNumber(a, out _) != ParseCNumber(b, out _),
                    "-lt" => ParseCNumber(a, out _) < ParseCNumber(b, out _),
                    "-le" => ParseCNumber(a, out _) <= ParseCNumber(b, out _),
                    "-gt" => ParseCNumber(a, out _) > ParseCNumber(b, out _),
                    "-ge" => ParseCNumber(a, out _) >= ParseCNumber(b, out _),
                    "-pgt" => PrefixCompare(a, b) > 0,
                    "-plt" => PrefixCompare(a, b) < 0,
                    "-nt" or "-ot" => Undecidable(op),
                    _ => null,
                };
                if (three is bool value3)
                {
                    Update(value3);
                    n += 3;
                    continue;
                }
            }

            if (n + 1 < count)
            {
                string op = args[n], operand = args[n + 1];
                bool? two = op switch
                {
                    "-d" => fileTest(operand, 'd'),
                    "-e" => fileTest(operand, 'e'),
                    "-f" => fileTest(operand, 'f'),
                    "-s" => fileTest(operand, 's'),
                    "-n" => operand.Length != 0,
                    "-z" => operand.Length == 0,
                    _ => null,
                };
                if (two is bool value2)
                {
                    Update(value2);
                    n += 2;
                    continue;
                }
            }

            string arg = args[n];
            switch (arg)
            {
                case "!":
                    invert = !invert;
                    n++;
                    continue;
                case "(":
                    n++;
                    if (depth >= 64)
                    {
                        Update(false);
                        continue;
                    }

                    Update(Parse(args, ref n, count, depth + 1));
                    continue;
                case ")":
                    n++;
                    return or || and;
                case "-a":
                    n++;
                    continue;
                case "-o":
                    or = or || and;
                    and = true;
                    n++;
                    continue;
                default:
                    Update(arg.Length != 0);
                    n++;
                    continue;
            }
        }

        return or || and;
    }

    private static int PrefixCompare(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return ParseCNumber(a[i..], out _).CompareTo(ParseCNumber(b[i..], out _));
    }

    private bool Undecidable(string op)
    {
        warn($"test {op} compares modification times, which PvBoot does not read; assumed false");
        return false;
    }
}
