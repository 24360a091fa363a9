using Sprache;

namespace PvBoot.Grub2.Syslinux;

/// <summary>
/// The grammar of syslinux/extlinux/isolinux configuration files as <c>readconfig.c</c> reads them: one directive per
/// line, keywords case-insensitive and followed by a blank or the line end, <c>#</c> comments, and multi-line
/// <c>TEXT HELP</c> blocks. Unknown keywords are ordinary directives that the evaluator ignores, so every text parses.
/// </summary>
internal static class SyslinuxGrammar
{
    /// <summary>A blank: space, TAB or CR (CR/LF line ends are accepted).</summary>
    public static readonly Parser<char> Blank = Parse.Chars(' ', '\t', '\r', '\f', '\v').Named("blank");

    /// <summary>The end of a line: a newline or the end of the file.</summary>
    public static readonly Parser<string> LineEnd =
        Parse.Char('\n').Return(string.Empty).Or(Parse.Return(string.Empty).End()).Named("end of line");

    /// <summary>The rest of a line, without the newline.</summary>
    public static readonly Parser<string> RestOfLine = Parse.CharExcept('\n').Many().Text().Named("text");

    /// <summary>A comment line.</summary>
    public static readonly Parser<SyslinuxComment> Comment =
        (from hash in Parse.Char('#')
         from text in RestOfLine
         select new SyslinuxComment(text)).Positioned().Named("comment");

    /// <summary>A keyword: a run of non-blank characters.</summary>
    public static readonly Parser<string> Keyword =
        Parse.CharExcept(" \t\r\f\v\n").AtLeastOnce().Text().Select(k => k.ToUpperInvariant()).Named("keyword");

    /// <summary>The argument: the rest of the line without surrounding blanks.</summary>
    public static readonly Parser<string> Argument =
        from blanks in Blank.Many()
        from text in RestOfLine
        select text.TrimEnd(' ', '\t', '\r', '\f', '\v');

    /// <summary>The second word of a <c>MENU</c> directive.</summary>
    public static readonly Parser<string> MenuDirective =
        from menu in Parse.IgnoreCase("menu").Text()
        from blanks in Blank.AtLeastOnce()
        from word in Keyword
        select "MENU " + word;

    /// <summary>The line that ends a help block: <c>ENDTEXT</c> after optional blanks.</summary>
    public static readonly Parser<string> EndText =
        from blanks in Blank.Many()
        from word in Parse.IgnoreCase("endtext").Text()
        from rest in RestOfLine
        where rest.Length == 0 || char.IsWhiteSpace(rest[0])
        select word;

    /// <summary>One line of help text (any line that is not <c>ENDTEXT</c>).</summary>
    public static readonly Parser<string> HelpLine =
        from line in Parse.Not(EndText).Then(_ => RestOfLine)
        from end in LineEnd
        select line;

    /// <summary>A <c>TEXT HELP</c> block up to and including its <c>ENDTEXT</c> line (or the end of the file).</summary>
    public static readonly Parser<SyslinuxHelpText> HelpText =
        (from text in Parse.IgnoreCase("text")
         from blanks in Blank.AtLeastOnce()
         from help in Parse.IgnoreCase("help")
         from rest in RestOfLine
         from newline in Parse.Char('\n')
         from lines in HelpLine.Many()
         from end in EndText.Optional()
         select new SyslinuxHelpText(string.Join('\n', lines))).Positioned().Named("TEXT HELP block");

    /// <summary>A directive: <c>MENU</c> + word + argument, or keyword + argument.</summary>
    public static readonly Parser<SyslinuxDirective> Directive =
        (from keyword in MenuDirective.Or(Keyword)
         from argument in Argument
         select new SyslinuxDirective(keyword, argument, keyword + " " + argument)).Positioned().Named("directive");

    /// <summary>One line: leading blanks, then a comment, a help block, a directive or nothing, then the line end.</summary>
    public static readonly Parser<SyslinuxLine?> Line =
        from blanks in Blank.Many()
        from body in Comment.Select(c => (SyslinuxLine)c).Or(HelpText).Or(Directive).Optional()
        from end in LineEnd
        select body.GetOrDefault();

    /// <summary>A whole file.</summary>
    public static readonly Parser<IReadOnlyList<SyslinuxLine>> ConfigFile =
        Line.Many().Select(lines => (IReadOnlyList<SyslinuxLine>)lines.OfType<SyslinuxLine>().ToList()).End();
}
