using Sprache;

namespace PvBoot.Grub2.Lilo;

/// <summary>
/// The grammar of <c>lilo.conf</c> as LILO's tokenizer (<c>cfg.c</c>) reads it: blank-separated items, <c>name=value</c>
/// with optional blanks around <c>=</c>, bare flags, <c>#</c> comments outside quotes, double-quoted values with
/// <c>\"</c>, <c>\\</c> and backslash-newline escapes, <c>\</c> escaping one character in bare words, CRs ignored.
/// Line ends are blanks: an item may continue on the next line.
/// </summary>
internal static class LiloGrammar
{
    /// <summary>A backslash followed by a newline (and any CRs): removed, the token continues.</summary>
    public static readonly Parser<string> Continuation =
        (from backslash in Parse.Char('\\')
         from returns in Parse.Char('\r').Many()
         from newline in Parse.Char('\n')
         select string.Empty).Named("continuation");

    /// <summary>White space between items: blanks, line ends, CRs and continuations.</summary>
    public static readonly Parser<string> Blank =
        Parse.Chars(' ', '\t', '\r', '\n', '\f', '\v').Return(string.Empty).Or(Continuation).Named("blank");

    /// <summary>A comment: <c>#</c> to the end of the line.</summary>
    public static readonly Parser<string> Comment =
        (from hash in Parse.Char('#')
         from text in Parse.CharExcept('\n').Many()
         select string.Empty).Named("comment");

    /// <summary>Anything that separates items.</summary>
    public static readonly Parser<IEnumerable<string>> Gap = Blank.Or(Comment).Many();

    /// <summary>An escape in a bare word: backslash and the next character (not a newline).</summary>
    public static readonly Parser<string> BareEscape =
        (from backslash in Parse.Char('\\')
         from c in Parse.CharExcept('\n')
         select c.ToString()).Named("escape");

    /// <summary>A bare word: characters other than blanks, <c>=</c>, <c>#</c> and quotes, with escapes and continuations.</summary>
    public static readonly Parser<string> BareWord =
        Continuation.Or(BareEscape).Or(Parse.CharExcept(" \t\r\n\f\v=#\"\\").Select(c => c.ToString()))
            .AtLeastOnce().Select(string.Concat).Where(w => w.Length > 0).Named("word");

    /// <summary>A character inside double quotes: <c>\"</c> and <c>\\</c> escaped, backslash-newline removed, CR dropped.</summary>
    public static readonly Parser<string> QuotedCharacter =
        Continuation
            .Or(from backslash in Parse.Char('\\') from c in Parse.Chars('"', '\\') select c.ToString())
            .Or(Parse.Char('\r').Return(string.Empty))
            .Or(Parse.CharExcept('"').Select(c => c.ToString()))
            .Named("quoted character");

    /// <summary>A double-quoted string; an unterminated one is a syntax error.</summary>
    public static readonly Parser<string> QuotedString =
        (from open in Parse.Char('"')
         from text in QuotedCharacter.Many()
         from close in Parse.Char('"').Named("closing quote")
         select string.Concat(text)).Named("quoted string");

    /// <summary>A bare value: like a bare word, but <c>=</c> is an ordinary character (<c>root=LABEL=root</c>).</summary>
    public static readonly Parser<string> BareValue =
        Continuation.Or(BareEscape).Or(Parse.CharExcept(" \t\r\n\f\v#\"\\").Select(c => c.ToString()))
            .AtLeastOnce().Select(string.Concat).Where(w => w.Length > 0).Named("value");

    /// <summary>A value: quoted or bare.</summary>
    public static readonly Parser<LiloValue> Value =
        QuotedString.Select(t => new LiloValue(t, true)).Or(BareValue.Select(t => new LiloValue(t, false))).Positioned().Named("value");

    /// <summary>The <c>=</c> and the value after a name.</summary>
    public static readonly Parser<LiloValue> Assignment =
        from before in Parse.Chars(' ', '\t', '\r', '\n').Many()
        from sign in Parse.Char('=')
        from after in Gap
        from value in Value
        select value;

    /// <summary>An item: a name, optionally <c>=</c> value.</summary>
    public static readonly Parser<LiloItem> Item =
        (from name in BareWord
         from value in Assignment.Optional()
         select new LiloItem(name, value.GetOrDefault())).Positioned().Named("option");

    /// <summary>A whole file.</summary>
    public static readonly Parser<IReadOnlyList<LiloItem>> ConfigFile =
        (from leading in Gap
         from items in (from item in Item from gap in Gap select item).Many()
         select (IReadOnlyList<LiloItem>)items.ToList()).End();
}
