using PvBoot.Grub2.Ast;
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
    public static Parser<char> Blank => field ??= Parse.Chars(' ', '\t').Named("blank");

    /// <summary><c>COMMENT</c>: <c>#</c> at the start of a token, to the end of the line.</summary>
    public static Parser<string> Comment => field ??=
        (from hash in Parse.Char('#')
         from text in Parse.CharExcept('\n').Many().Text()
         select text).Named("comment");

    /// <summary>A backslash-newline between tokens: a line continuation.</summary>
    public static Parser<string> LineContinuation => field ??= Parse.String("\\\n").Text().Named("line continuation");

    /// <summary>What separates tokens on one line: blanks, line continuations and a comment.</summary>
    public static Parser<string> Gap => field ??=
        Blank.AtLeastOnce().Text().Or(LineContinuation).Or(Comment).Many().Select(_ => string.Empty);

    /// <summary><c>NAME</c>: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static Parser<string> Name => field ??=
        (from first in Parse.Char(c => char.IsAsciiLetter(c) || c == '_', "letter")
         from rest in Parse.Char(c => char.IsAsciiLetterOrDigit(c) || c == '_', "letter or digit").Many().Text()
         select first + rest).Named("name");

    /// <summary><c>DIGITS</c>: a positional parameter number.</summary>
    public static Parser<string> Digits => field ??= Parse.Digit.AtLeastOnce().Text().Named("digits");

    /// <summary><c>SPECIAL</c>: <c>?</c>, <c>#</c>, <c>*</c> or <c>@</c>.</summary>
    public static Parser<string> Special => field ??= Parse.Chars('?', '#', '*', '@').Once().Text().Named("special parameter");

    /// <summary>The name after <c>$</c>, bare or in braces.</summary>
    public static Parser<string> VariableName => field ??=
        Name.Or(Digits).Or(Special)
            .Or(from open in Parse.Char('{')
                from name in Name.Or(Digits).Or(Special)
                from close in Parse.Char('}')
                select name)
            .Named("variable name");

    /// <summary><c>VARIABLE</c> outside quotes: <c>$x</c>, <c>${x}</c>, <c>$1</c>, <c>$?</c>, …</summary>
    public static Parser<WordPiece> VariableRef => field ??=
        from dollar in Parse.Char('$')
        from name in VariableName
        select new WordPiece(WordPieceKind.Variable, name);

    /// <summary>A run of <c>CHAR</c>: unquoted text.</summary>
    public static Parser<WordPiece> Unquoted => field ??=
        Parse.CharExcept(NonChar).AtLeastOnce().Text().Select(t => new WordPiece(WordPieceKind.Bare, t));

    /// <summary><c>ESC</c> outside quotes: <c>\c</c> is <c>c</c>; backslash-newline vanishes.</summary>
    public static Parser<WordPiece> Escaped => field ??=
        from backslash in Parse.Char('\\')
        from c in Parse.AnyChar.Named("character after '\\'")
        select new WordPiece(WordPieceKind.Bare, c == '\n' ? string.Empty : c.ToString());

    /// <summary><c>SQSTR</c>: <c>'…'</c>, literal, no escapes.</summary>
    public static Parser<WordPiece> SingleQuoted => field ??=
        from open in Parse.Char('\'')
        from text in Parse.CharExcept('\'').Many().Text()
        from close in Parse.Char('\'').Named("closing '")
        select new WordPiece(WordPieceKind.SingleQuoted, text);

    /// <summary>An escape inside <c>"…"</c>: <c>\$</c>, <c>\\</c>, <c>\"</c>, backslash-newline; any other backslash stays.</summary>
    public static Parser<string> DoubleQuotedEscape => field ??=
        from backslash in Parse.Char('\\')
        from c in Parse.Chars('$', '\\', '"', '\n').Optional()
        select c.IsDefined ? (c.Get() == '\n' ? string.Empty : c.Get().ToString()) : "\\";

    /// <summary><c>DQSTR</c>: <c>"…"</c> with escapes and unsplit variable references.</summary>
    public static Parser<IEnumerable<WordPiece>> DoubleQuoted => field ??=
        from open in Parse.Char('"')
        from pieces in Parse.CharExcept("\"$\\").AtLeastOnce().Text().Select(t => new WordPiece(WordPieceKind.DoubleQuoted, t))
            .Or(DoubleQuotedEscape.Select(t => new WordPiece(WordPieceKind.DoubleQuoted, t)))
            .Or(VariableRef.Select(v => v with { Kind = WordPieceKind.QuotedVariable }))
            .XMany()
        from close in Parse.Char('"').Named("closing \"")
        select pieces.Prepend(new WordPiece(WordPieceKind.DoubleQuoted, string.Empty));

    /// <summary><c>I18NSTR</c>: <c>$"…"</c>; <c>\"</c> and backslash-newline are escapes, <c>\\</c> stays doubled.</summary>
    public static Parser<WordPiece> Translatable => field ??=
        from open in Parse.String("$\"")
        from text in Parse.String("\\\\").Return("\\\\")
            .Or(Parse.String("\\\"").Return("\""))
            .Or(Parse.String("\\\n").Return(string.Empty))
            .Or(Parse.CharExcept('"').Once().Text())
            .Many()
        from close in Parse.Char('"').Named("closing \"")
        select new WordPiece(WordPieceKind.Translatable, string.Concat(text));

    /// <summary>One piece of a word.</summary>
    public static Parser<IEnumerable<WordPiece>> WordPart => field ??=
        Unquoted.Once()
            .Or(Escaped.Once())
            .Or(SingleQuoted.Once())
            .Or(DoubleQuoted)
            .Or(Translatable.Once())
            .Or(VariableRef.Once());

    /// <summary><c>WORD</c>: a maximal run of pieces; <c>[[</c> and <c>]]</c> alone are (unsupported) tokens, not words.</summary>
    public static Parser<Word> WordToken => field ??=
        (from parts in WithText(WordPart.XAtLeastOnce())
         let word = MakeWord(parts.Start, parts.Value.SelectMany(p => p).ToList(), parts.Text)
         where word.Raw is not ("[[" or "]]")
         select word).Named("word");

    /// <summary>Runs <paramref name="parser"/> and also returns where it started and the text it consumed.</summary>
    private static Parser<(T Value, TextPosition Start, string Text)> WithText<T>(Parser<T> parser) =>
        input =>
        {
            IResult<T> result = parser(input);
            if (!result.WasSuccessful)
            {
                return Result.Failure<(T, TextPosition, string)>(result.Remainder, result.Message, result.Expectations);
            }

            var start = new TextPosition(input.Line, input.Column, input.Position);
            string text = input.Source.Substring(input.Position, result.Remainder.Position - input.Position);
            return Result.Success((result.Value, start, text), result.Remainder);
        };

    private static Word MakeWord(TextPosition start, List<WordPiece> pieces, string raw)
    {
        if (raw.Length > MaxTokenLength)
        {
            throw new Grub2ParseLimitException(start, $"token too large ({raw.Length} characters, at most {MaxTokenLength})");
        }

        var merged = new List<WordPiece>(pieces.Count);
        foreach (WordPiece piece in pieces)
        {
            if (merged.Count > 0 && piece.Kind == merged[^1].Kind && piece.Kind is WordPieceKind.Bare or WordPieceKind.DoubleQuoted)
            {
                merged[^1] = merged[^1] with { Text = merged[^1].Text + piece.Text };
            }
            else
            {
                merged.Add(piece);
            }
        }

        return new Word(merged, raw, start, start.Offset + raw.Length);
    }
}
