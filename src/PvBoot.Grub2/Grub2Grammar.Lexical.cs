using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2;

/// <summary>Lexical productions, after GRUB's <c>grub-core/script/yylex.l</c>.</summary>
internal static partial class Grub2Grammar
{
    /// <summary>The longest word accepted (a 70 KB token was the BootHole shape).</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>Characters that end an unquoted run (<c>CHAR</c> is everything else).</summary>
    private const string NonChar = "{}|&$;<> \t\n'\"\\";

    /// <summary>The current position, consuming nothing.</summary>
    public static Parser<TextPosition> Here => field ??=
        input => Result.Success(new TextPosition(input.Line, input.Column, input.Position), input);

    /// <summary><c>BLANK</c>: a space or TAB.</summary>
    public static Parser<char> Blank => field ??= CharParsers.Chars(' ', '\t').Named("blank");

    /// <summary><c>COMMENT</c>: <c>#</c> at the start of a token, to the end of the line.</summary>
    public static Parser<string> Comment => field ??=
        (from hash in CharParsers.Char('#')
         from text in CharParsers.Run(c => c != '\n', CharParsers.DescribeExcept("\n"), 0)
         select text).Named("comment");

    /// <summary>A backslash-newline between tokens: a line continuation.</summary>
    public static Parser<string> LineContinuation => field ??= CharParsers.String("\\\n").Named("line continuation");

    /// <summary>
    /// What separates tokens on one line: any run of blanks, line continuations and comments (<c>(blank+ |
    /// line continuation | comment)*</c>, which always succeeds). It runs before every token, so it scans the
    /// characters itself rather than through the three productions.
    /// </summary>
    public static Parser<string> Gap => field ??=
        input => Result.Success(string.Empty, SkipGap(input));

    /// <summary><paramref name="input"/> after the <see cref="Gap"/> there (itself when there is none).</summary>
    public static IInput SkipGap(IInput input)
    {
        string source = input.Source;
        int start = input.Position;
        int at = start;
        while (at < source.Length)
        {
            char c = source[at];
            if (c is ' ' or '\t')
            {
                at++;
            }
            else if (c == '\\' && at + 1 < source.Length && source[at + 1] == '\n')
            {
                at += 2;
            }
            else if (c == '#')
            {
                int end = source.IndexOf('\n', at);
                at = end < 0 ? source.Length : end;
            }
            else
            {
                break;
            }
        }

        return CharParsers.Skip(input, at - start);
    }

    /// <summary><c>NAME</c>: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static Parser<string> Name => field ??=
        (from first in CharParsers.Char(c => char.IsAsciiLetter(c) || c == '_', "letter")
         from rest in CharParsers.Run(c => char.IsAsciiLetterOrDigit(c) || c == '_', "letter or digit", 0)
         select first + rest).Named("name");

    /// <summary><c>DIGITS</c>: a positional parameter number.</summary>
    public static Parser<string> Digits => field ??= CharParsers.Run(char.IsDigit, "digit", 1).Named("digits");

    /// <summary><c>SPECIAL</c>: <c>?</c>, <c>#</c>, <c>*</c> or <c>@</c>.</summary>
    public static Parser<string> Special => field ??= CharParsers.Chars('?', '#', '*', '@').Once().Text().Named("special parameter");

    /// <summary>The name after <c>$</c>, bare or in braces.</summary>
    public static Parser<string> VariableName => field ??=
        Name.Or(Digits).Or(Special)
            .Or(from open in CharParsers.Char('{')
                from name in Name.Or(Digits).Or(Special)
                from close in CharParsers.Char('}')
                select name)
            .Named("variable name");

    /// <summary><c>VARIABLE</c> outside quotes: <c>$x</c>, <c>${x}</c>, <c>$1</c>, <c>$?</c>, …</summary>
    public static Parser<WordPiece> VariableRef => field ??=
        from dollar in CharParsers.Char('$')
        from name in VariableName
        select new WordPiece(WordPieceKind.Variable, name);

    /// <summary>A run of <c>CHAR</c>: unquoted text.</summary>
    public static Parser<WordPiece> Unquoted => field ??=
        CharParsers.Run(c => !NonChar.Contains(c), CharParsers.DescribeExcept(NonChar), 1, MaxTokenLength + 1)
            .Select(t => new WordPiece(WordPieceKind.Bare, t));

    /// <summary><c>ESC</c> outside quotes: <c>\c</c> is <c>c</c>; backslash-newline vanishes.</summary>
    public static Parser<WordPiece> Escaped => field ??=
        from backslash in CharParsers.Char('\\')
        from c in CharParsers.AnyChar.Named("character after '\\'")
        select new WordPiece(WordPieceKind.Bare, c == '\n' ? string.Empty : c.ToString());

    /// <summary><c>SQSTR</c>: <c>'…'</c>, literal, no escapes.</summary>
    public static Parser<WordPiece> SingleQuoted => field ??=
        from open in CharParsers.Char('\'')
        from text in CharParsers.Run(c => c != '\'', CharParsers.DescribeExcept("'"), 0)
        from close in CharParsers.Char('\'').Named("closing '")
        select new WordPiece(WordPieceKind.SingleQuoted, text);

    /// <summary>An escape inside <c>"…"</c>: <c>\$</c>, <c>\\</c>, <c>\"</c>, backslash-newline; any other backslash stays.</summary>
    public static Parser<string> DoubleQuotedEscape => field ??=
        from backslash in CharParsers.Char('\\')
        from c in CharParsers.Chars('$', '\\', '"', '\n').Optional()
        select c.IsDefined ? (c.Get() == '\n' ? string.Empty : c.Get().ToString()) : "\\";

    /// <summary><c>DQSTR</c>: <c>"…"</c> with escapes and unsplit variable references.</summary>
    public static Parser<IEnumerable<WordPiece>> DoubleQuoted => field ??=
        from open in CharParsers.Char('"')
        from pieces in CharParsers.Run(c => c is not ('"' or '$' or '\\'), CharParsers.DescribeExcept("\"$\\"), 1, MaxTokenLength + 1).Select(t => new WordPiece(WordPieceKind.DoubleQuoted, t))
            .Or(DoubleQuotedEscape.Select(t => new WordPiece(WordPieceKind.DoubleQuoted, t)))
            .Or(VariableRef.Select(v => v with { Kind = WordPieceKind.QuotedVariable }))
            .XMany()
        from close in CharParsers.Char('"').Named("closing \"")
        select pieces.Prepend(new WordPiece(WordPieceKind.DoubleQuoted, string.Empty));

    /// <summary><c>I18NSTR</c>: <c>$"…"</c>; <c>\"</c> and backslash-newline are escapes, <c>\\</c> stays doubled.</summary>
    public static Parser<WordPiece> Translatable => field ??=
        from open in CharParsers.String("$\"")
        from text in CharParsers.String("\\\\").Return("\\\\")
            .Or(CharParsers.String("\\\"").Return("\""))
            .Or(CharParsers.String("\\\n").Return(string.Empty))
            .Or(CharParsers.CharExcept("\"").Once().Text())
            .Many()
        from close in CharParsers.Char('"').Named("closing \"")
        select new WordPiece(WordPieceKind.Translatable, string.Concat(text));

    /// <summary>One piece of a word.</summary>
    public static Parser<IEnumerable<WordPiece>> WordPart => field ??=
        Unquoted.Once()
            .Or(Escaped.Once())
            .Or(SingleQuoted.Once())
            .Or(DoubleQuoted)
            .Or(Translatable.Once())
            .Or(VariableRef.Once());

    /// <summary>
    /// <c>WORD</c>: a maximal run of pieces; <c>[[</c> and <c>]]</c> alone are (unsupported) tokens, not words. Most
    /// words in a configuration are plain text, single-quoted strings and variable references, which
    /// <see cref="ScanWord"/> reads in one pass; every other shape (escapes, <c>$"…"</c>, an unclosed quote, a bad
    /// variable name, an over-long token) is parsed by <see cref="ComposedWordToken"/>, which defines the production.
    /// </summary>
    public static Parser<Word> WordToken => field ??=
        CharParsers.RememberLast<Word>(input => ScanWord(input) ?? ComposedWordToken(input));

    /// <summary><see cref="WordToken"/> as composed from its pieces.</summary>
    public static Parser<Word> ComposedWordToken => field ??=
        (from start in Here
         from parts in WithSpan(Capped(WordPart))
         let word = MakeWord(start, parts.Value.SelectMany(p => p).ToList(), parts.Source[parts.Start..parts.End])
         where word.Raw is not ("[[" or "]]")
         select word).Named("word");

    /// <summary>
    /// One or more <paramref name="part"/>s (failing if one fails after consuming input, as <c>XAtLeastOnce</c>), stopping
    /// with an error as soon as the run exceeds <see cref="MaxTokenLength"/> so that a hostile token costs no more than the cap.
    /// </summary>
    private static Parser<List<IEnumerable<WordPiece>>> Capped(Parser<IEnumerable<WordPiece>> part) =>
        input =>
        {
            var parts = new List<IEnumerable<WordPiece>>();
            IInput remainder = input;
            while (true)
            {
                IResult<IEnumerable<WordPiece>> result = part(remainder);
                if (!result.WasSuccessful)
                {
                    if (!result.Remainder.Equals(remainder))
                    {
                        return Result.Failure<List<IEnumerable<WordPiece>>>(result.Remainder, result.Message, result.Expectations);
                    }

                    return parts.Count > 0
                        ? Result.Success(parts, remainder)
                        : Result.Failure<List<IEnumerable<WordPiece>>>(remainder, result.Message, result.Expectations);
                }

                parts.Add(result.Value);
                remainder = result.Remainder;
                if (remainder.Position - input.Position > MaxTokenLength)
                {
                    throw new Grub2ParseLimitException(
                        new TextPosition(input.Line, input.Column, input.Position),
                        $"token too large (more than {MaxTokenLength} characters)");
                }
            }
        };

    /// <summary>What a failed <see cref="WordToken"/> expected.</summary>
    private static readonly string[] NoWord = ["word"];

    /// <summary>
    /// <see cref="WordToken"/> for a word made only of unquoted runs, <c>'…'</c>, <c>"…"</c> without backslashes, and
    /// <c>$name</c>, <c>${name}</c>, <c>$1</c>, <c>$?</c> references: the same word and remainder as
    /// <see cref="ComposedWordToken"/> (or its failure where no piece can start), or null for any other shape, left to it.
    /// </summary>
    internal static IResult<Word>? ScanWord(IInput input)
    {
        string source = input.Source;
        int start = input.Position;
        int limit = Math.Min(source.Length, start + MaxTokenLength + 1); // reaching it means "too long": left to the parser
        int at = start;
        var pieces = new List<WordPiece>();
        while (at < limit)
        {
            char c = source[at];
            if (!NonChar.Contains(c))
            {
                int end = at + 1;
                while (end < limit && !NonChar.Contains(source[end]))
                {
                    end++;
                }

                pieces.Add(new WordPiece(WordPieceKind.Bare, source[at..end]));
                at = end;
            }
            else if (c == '\'')
            {
                int close = source.IndexOf('\'', at + 1, limit - (at + 1));
                if (close < 0)
                {
                    return null;
                }

                pieces.Add(new WordPiece(WordPieceKind.SingleQuoted, source[(at + 1)..close]));
                at = close + 1;
            }
            else if (c == '"')
            {
                pieces.Add(new WordPiece(WordPieceKind.DoubleQuoted, string.Empty));
                at++;
                while (true)
                {
                    if (at >= limit || source[at] == '\\')
                    {
                        return null;
                    }

                    if (source[at] == '"')
                    {
                        at++;
                        break;
                    }

                    if (source[at] == '$')
                    {
                        if (ScanVariableName(source, at + 1, limit) is not (string name, int after))
                        {
                            return null;
                        }

                        pieces.Add(new WordPiece(WordPieceKind.QuotedVariable, name));
                        at = after;
                        continue;
                    }

                    int end = at + 1;
                    while (end < limit && source[end] is not ('"' or '$' or '\\'))
                    {
                        end++;
                    }

                    pieces.Add(new WordPiece(WordPieceKind.DoubleQuoted, source[at..end]));
                    at = end;
                }
            }
            else if (c == '$')
            {
                if (ScanVariableName(source, at + 1, limit) is not (string name, int after))
                {
                    return null; // also $"…", whose '"' is no name
                }

                pieces.Add(new WordPiece(WordPieceKind.Variable, name));
                at = after;
            }
            else if (c == '\\')
            {
                return null;
            }
            else
            {
                break; // a character that starts no piece ends the word
            }
        }

        int length = at - start;
        if (length == 0)
        {
            // No word starts at a character that starts no piece: the failure the composed parser reports there.
            return at == source.Length || !(source[at] is '\\' or '\'' or '"' or '$')
                ? Result.Failure<Word>(input, CharParsers.UnexpectedCharacter, NoWord)
                : null;
        }

        if (length > MaxTokenLength)
        {
            return null;
        }

        string raw = source[start..at];
        if (raw is "[[" or "]]")
        {
            return null;
        }

        Word word = MakeWord(new TextPosition(input.Line, input.Column, start), pieces, raw);
        return Result.Success(word, CharParsers.Skip(input, length));
    }

    /// <summary>
    /// <see cref="VariableName"/> at <paramref name="at"/> (just after a <c>$</c>), looking no further than
    /// <paramref name="limit"/>: the name and where it ends, or null where <see cref="VariableName"/> would fail.
    /// </summary>
    private static (string Name, int After)? ScanVariableName(string source, int at, int limit)
    {
        if (at < limit && source[at] == '{')
        {
            return ScanBareVariableName(source, at + 1, limit) is (string name, int after) && after < limit && source[after] == '}'
                ? (name, after + 1)
                : null;
        }

        return ScanBareVariableName(source, at, limit);
    }

    /// <summary><c>NAME</c>, <c>DIGITS</c> or <c>SPECIAL</c> at <paramref name="at"/>, in that order of preference.</summary>
    private static (string Name, int After)? ScanBareVariableName(string source, int at, int limit)
    {
        if (at >= limit)
        {
            return null;
        }

        char first = source[at];
        int end = at + 1;
        if (char.IsAsciiLetter(first) || first == '_')
        {
            while (end < limit && (char.IsAsciiLetterOrDigit(source[end]) || source[end] == '_'))
            {
                end++;
            }
        }
        else if (char.IsDigit(first))
        {
            while (end < limit && char.IsDigit(source[end]))
            {
                end++;
            }
        }
        else if (first is not ('?' or '#' or '*' or '@'))
        {
            return null;
        }

        return (source[at..end], end);
    }

    private static Word MakeWord(TextPosition start, List<WordPiece> pieces, string raw)
    {
        if (raw.Length > MaxTokenLength)
        {
            throw new Grub2ParseLimitException(start, $"token too large ({raw.Length} characters, at most {MaxTokenLength})");
        }

        // Adjacent pieces of the same unquoted or double-quoted kind become one; the rest are kept as they are.
        int count = 0;
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i == 0 || !Joins(pieces[i - 1], pieces[i]))
            {
                count++;
            }
        }

        var merged = new WordPiece[count];
        int at = -1;
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i > 0 && Joins(pieces[i - 1], pieces[i]))
            {
                merged[at] = merged[at] with { Text = merged[at].Text + pieces[i].Text };
            }
            else
            {
                merged[++at] = pieces[i];
            }
        }

        return new Word(merged, raw, start, start.Offset + raw.Length);

        static bool Joins(WordPiece previous, WordPiece next) =>
            next.Kind == previous.Kind && next.Kind is WordPieceKind.Bare or WordPieceKind.DoubleQuoted;
    }
}
