namespace PvBoot.Shim.CommandLine;

/// <summary>An option that <see cref="GnuGetopt"/> recognised, as <c>("-q", "")</c> or <c>("--kernel", "/boot/x")</c>.</summary>
internal readonly record struct ParsedOption(string Name, string Value);

/// <summary>A malformed command line, with the message Python's <c>getopt.GetoptError</c> carries.</summary>
internal sealed class GetoptException(string message) : Exception(message);

/// <summary>
/// The semantics of Python's <c>getopt.gnu_getopt</c>, which pygrub uses: options and operands may be mixed
/// (unless <c>POSIXLY_CORRECT</c> is set), <c>--</c> ends options, a long option may be abbreviated to a unique prefix
/// (an exact name wins over longer names it prefixes), <c>--name=value</c> or <c>--name value</c>, short options may be
/// grouped and take their argument from the rest of the word or the next word.
/// </summary>
/// <remarks>
/// Long options ending in <c>=</c> take an argument. <paramref name="exactOnlyLongOptions"/> are extensions that are
/// matched only when spelled in full and only when no pygrub option matches the prefix, so every abbreviation pygrub
/// accepts or rejects means the same here.
/// </remarks>
internal sealed class GnuGetopt(string shortOptions, IReadOnlyList<string> longOptions, IReadOnlyList<string> exactOnlyLongOptions)
{
    /// <summary>Splits <paramref name="args"/> into options and operands.</summary>
    /// <exception cref="GetoptException">An unknown, ambiguous or malformed option.</exception>
    public (List<ParsedOption> Options, List<string> Operands) Parse(IReadOnlyList<string> args, bool posixlyCorrect)
    {
        var options = new List<ParsedOption>();
        var operands = new List<string>();
        int index = 0;
        while (index < args.Count)
        {
            string arg = args[index];
            if (arg == "--")
            {
                for (int i = index + 1; i < args.Count; i++)
                {
                    operands.Add(args[i]);
                }

                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                index = ParseLong(options, arg[2..], args, index + 1);
            }
            else if (arg.StartsWith('-') && arg != "-")
            {
                index = ParseShorts(options, arg[1..], args, index + 1);
            }
            else if (posixlyCorrect)
            {
                for (int i = index; i < args.Count; i++)
                {
                    operands.Add(args[i]);
                }

                break;
            }
            else
            {
                operands.Add(arg);
                index++;
            }
        }

        return (options, operands);
    }

    private int ParseLong(List<ParsedOption> options, string word, IReadOnlyList<string> args, int next)
    {
        string name = word;
        string? value = null;
        int equals = word.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            name = word[..equals];
            value = word[(equals + 1)..];
        }

        (bool hasArgument, string fullName) = Resolve(name);
        if (hasArgument)
        {
            if (value is null)
            {
                if (next >= args.Count)
                {
                    throw new GetoptException($"option --{fullName} requires argument");
                }

                value = args[next];
                next++;
            }
        }
        else if (value is not null)
        {
            throw new GetoptException($"option --{fullName} must not have an argument");
        }

        options.Add(new ParsedOption("--" + fullName, value ?? string.Empty));
        return next;
    }

    private (bool HasArgument, string Name) Resolve(string name)
    {
        var possibilities = new List<string>();
        foreach (string option in longOptions)
        {
            if (option.StartsWith(name, StringComparison.Ordinal))
            {
                possibilities.Add(option);
            }
        }

        if (possibilities.Count == 0)
        {
            foreach (string option in exactOnlyLongOptions)
            {
                if (option == name)
                {
                    return (false, name);
                }

                if (option == name + "=")
                {
                    return (true, name);
                }
            }

            throw new GetoptException($"option --{name} not recognized");
        }

        if (possibilities.Contains(name))
        {
            return (false, name);
        }

        if (possibilities.Contains(name + "="))
        {
            return (true, name);
        }

        if (possibilities.Count > 1)
        {
            throw new GetoptException($"option --{name} not a unique prefix");
        }

        string match = possibilities[0];
        return match.EndsWith('=') ? (true, match[..^1]) : (false, match);
    }

    private int ParseShorts(List<ParsedOption> options, string letters, IReadOnlyList<string> args, int next)
    {
        while (letters.Length > 0)
        {
            char letter = letters[0];
            letters = letters[1..];
            if (TakesArgument(letter))
            {
                if (letters.Length == 0)
                {
                    if (next >= args.Count)
                    {
                        throw new GetoptException($"option -{letter} requires argument");
                    }

                    letters = args[next];
                    next++;
                }

                options.Add(new ParsedOption("-" + letter, letters));
                letters = string.Empty;
            }
            else
            {
                options.Add(new ParsedOption("-" + letter, string.Empty));
            }
        }

        return next;
    }

    private bool TakesArgument(char letter)
    {
        for (int i = 0; i < shortOptions.Length; i++)
        {
            if (letter == shortOptions[i] && letter != ':')
            {
                return i + 1 < shortOptions.Length && shortOptions[i + 1] == ':';
            }
        }

        throw new GetoptException($"option -{letter} not recognized");
    }
}
