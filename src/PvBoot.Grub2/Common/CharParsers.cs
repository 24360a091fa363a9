using Sprache;

namespace PvBoot.Grub2.Common;

/// <summary>
/// Character-level Sprache parsers with the same successes, failure positions and expectations as Sprache's
/// <c>Parse.Char</c>, <c>Parse.Chars</c>, <c>Parse.CharExcept</c> and <c>Parse.String</c>, but without building a
/// message string and an expectation array at every failed character, and with <see cref="Run"/> consuming a whole
/// run of characters in one step instead of one result per character. (A 50,000-line grub.cfg allocated gigabytes
/// through the per-character versions.)
/// </summary>
internal static class CharParsers
{
    /// <summary>The failure message (the grammars report expectations and positions, never Sprache's message).</summary>
    public const string UnexpectedCharacter = "unexpected character";

    /// <summary>Any character (<c>Parse.AnyChar</c>).</summary>
    public static Parser<char> AnyChar { get; } = Char(static _ => true, "any character");

    /// <summary>Exactly <paramref name="c"/> (<c>Parse.Char(c)</c>).</summary>
    public static Parser<char> Char(char c) => Char(x => x == c, c.ToString());

    /// <summary>One of <paramref name="set"/> (<c>Parse.Chars(set)</c>).</summary>
    public static Parser<char> Chars(params char[] set) => Char(set.Contains, string.Join("|", set));

    /// <summary>Anything but one of <paramref name="set"/> (<c>Parse.CharExcept(set)</c>).</summary>
    public static Parser<char> CharExcept(string set) => Char(c => !set.Contains(c), DescribeExcept(set));

    /// <summary>A character <paramref name="accept"/> takes, described as <paramref name="description"/> on failure.</summary>
    public static Parser<char> Char(Func<char, bool> accept, string description)
    {
        string[] expected = [description];
        return input => !input.AtEnd && accept(input.Current)
            ? Result.Success(input.Current, input.Advance())
            : Result.Failure<char>(input, UnexpectedCharacter, expected);
    }

    /// <summary>
    /// The maximal run of characters <paramref name="accept"/> takes, as text: <c>Many().Text()</c> when
    /// <paramref name="minimum"/> is 0, <c>AtLeastOnce().Text()</c> when it is 1. The run stops after
    /// <paramref name="limit"/> characters so that a caller's length cap sees an over-long run without it being copied whole.
    /// </summary>
    public static Parser<string> Run(Func<char, bool> accept, string description, int minimum, int limit = int.MaxValue)
    {
        string[] expected = [description];
        return input =>
        {
            string source = input.Source;
            int start = input.Position;
            int end = start;
            while (end < source.Length && end - start < limit && accept(source[end]))
            {
                end++;
            }

            return end - start < minimum
                ? Result.Failure<string>(input, UnexpectedCharacter, expected)
                : Result.Success(source.Substring(start, end - start), Skip(input, end - start));
        };
    }

    /// <summary>Exactly <paramref name="text"/> (<c>Parse.String(text)</c>, which fails past the part that matched).</summary>
    public static Parser<string> String(string text)
    {
        string[] whole = [text];
        string[][] next = [.. text.Select(c => new[] { c.ToString() })];
        return input =>
        {
            string source = input.Source;
            int start = input.Position;
            for (int i = 0; i < text.Length; i++)
            {
                if (start + i >= source.Length || source[start + i] != text[i])
                {
                    return i == 0
                        ? Result.Failure<string>(input, UnexpectedCharacter, whole)
                        : Result.Failure<string>(Skip(input, i), UnexpectedCharacter, next[i]);
                }
            }

            return Result.Success(text, Skip(input, text.Length));
        };
    }

    /// <summary>
    /// Sprache's <c>parser.XMany()</c>: zero or more <paramref name="parser"/>s, stopping at one that fails without
    /// consuming input (or succeeds without consuming any), and failing as that one did if it consumed input. Sprache's
    /// own builds three parsers at each use and runs the last attempt twice; this runs a plain loop.
    /// </summary>
    public static Parser<IEnumerable<T>> XMany<T>(Parser<T> parser) =>
        input =>
        {
            var items = new List<T>();
            IInput remainder = input;
            while (true)
            {
                IResult<T> result = parser(remainder);
                if (!result.WasSuccessful)
                {
                    return result.Remainder.Equals(remainder)
                        ? Result.Success<IEnumerable<T>>(items, remainder)
                        : Result.Failure<IEnumerable<T>>(result.Remainder, result.Message, result.Expectations);
                }

                if (result.Remainder.Equals(remainder))
                {
                    return Result.Success<IEnumerable<T>>(items, remainder);
                }

                items.Add(result.Value);
                remainder = result.Remainder;
            }
        };

    /// <summary>
    /// A reference to a production built later, for recursion: Sprache's <c>Parse.Ref</c> without its left-recursion
    /// memo, which the grammars do not need (they never recurse without consuming a token first). That memo allocates a
    /// table at each input it is given, and throws a <see cref="ParseException"/>, which nothing here would catch, when
    /// it is asked again on an input where it remembered a failure.
    /// </summary>
    public static Parser<T> Ref<T>(Func<Parser<T>> reference) =>
        input => reference()(input);

    /// <summary>
    /// <paramref name="parser"/>, remembering its last result (Sprache's <c>Memoize</c> with a single slot instead of a
    /// table per position): the same result when asked again at the same place, as a token is when each alternative of
    /// a production tries it. Only for a parser whose result depends on nothing but the text and the position.
    /// </summary>
    public static Parser<T> RememberLast<T>(Parser<T> parser) =>
        input => input is TextInput text ? text.Recall(parser) : parser(input);

    /// <summary>The description Sprache gives <c>Parse.CharExcept(set)</c>.</summary>
    public static string DescribeExcept(string set) => "any character except " + string.Join("|", set.ToCharArray());

    /// <summary><paramref name="input"/> advanced by <paramref name="count"/> characters.</summary>
    public static IInput Skip(IInput input, int count)
    {
        if (input is TextInput text)
        {
            return text.Skip(count);
        }

        for (int i = 0; i < count; i++)
        {
            input = input.Advance();
        }

        return input;
    }
}
