using System.Globalization;
using Sprache;

namespace PvBoot.Grub2.Legacy;

/// <summary>
/// The grammar of GRUB legacy's <c>menu.lst</c> as its line reader (<c>get_line_from_config</c> in <c>stage2.c</c>)
/// and command lookup (<c>find_command</c>) see it. Every text is a valid file: lines that name no command are skipped
/// by GRUB, so they parse here and are ignored by the evaluator.
/// </summary>
internal static class GrubLegacyGrammar
{
    /// <summary>A carriage return: GRUB deletes it wherever it appears.</summary>
    public static readonly Parser<string> CarriageReturn =
        Parse.Char('\r').Return(string.Empty).Named("carriage return");

    /// <summary>A backslash followed by a newline: the two become one space and the line goes on.</summary>
    public static readonly Parser<string> EscapedNewline =
        (from backslash in Parse.Char('\\')
         from returns in Parse.Char('\r').Many()
         from newline in Parse.Char('\n')
         select " ").Named("backslash-newline");

    /// <summary>A blank before the command name: space or TAB (TAB is read as a space), or a deleted CR.</summary>
    public static readonly Parser<string> Blank =
        Parse.Chars(' ', '\t').Return(" ").Or(CarriageReturn).Named("blank");

    /// <summary>A run of ordinary characters or one special character of a logical line, after TAB → space, CR deletion and line joining.</summary>
    public static readonly Parser<string> LineCharacter =
        Parse.CharExcept("\\\r\n\t").AtLeastOnce().Text()
            .Or(EscapedNewline)
            .Or(CarriageReturn)
            .Or(Parse.CharExcept('\n').Select(c => c == '\t' ? " " : c.ToString()))
            .Named("character");

    /// <summary>The end of a logical line: a newline or the end of the file.</summary>
    public static readonly Parser<string> LineEnd =
        Parse.Char('\n').Return(string.Empty).Or(Parse.Return(string.Empty).End()).Named("end of line");

    /// <summary>A comment: a line whose first non-blank character is <c>#</c> (a backslash-newline continues it).</summary>
    public static readonly Parser<GrubLegacyComment> Comment =
        (from hash in Parse.Char('#')
         from text in LineCharacter.Many()
         select new GrubLegacyComment(string.Concat(text))).Positioned().Named("comment");

    /// <summary>A command name: everything up to a blank or <c>=</c> (possibly empty when the line starts with <c>=</c>).</summary>
    public static readonly Parser<string> CommandName =
        Parse.CharExcept(" \t=\n\r\\").Many().Text().Named("command name");

    /// <summary>The separator after a command name: any run of blanks and <c>=</c> (<c>default=0</c>, <c>title= x</c>).</summary>
    public static readonly Parser<string> Separator =
        Parse.Chars(' ', '\t', '=').Select(c => c == '\t' ? " " : c.ToString()).Or(CarriageReturn).Many()
            .Select(string.Concat).Named("separator");

    /// <summary>The argument: the rest of the logical line.</summary>
    public static readonly Parser<string> Argument =
        LineCharacter.Many().Select(string.Concat).Named("argument");

    /// <summary>A command line: name, separator, argument.</summary>
    public static readonly Parser<GrubLegacyCommand> Command =
        (from name in CommandName
         from separator in Separator
         from argument in Argument
         where name.Length + separator.Length + argument.Length > 0
         select new GrubLegacyCommand(name, argument, name + separator + argument)).Positioned().Named("command");

    /// <summary>One logical line: leading blanks, then a comment, a command or nothing, then the line end.</summary>
    public static readonly Parser<GrubLegacyLine?> Line =
        from blanks in Blank.Many()
        from body in Comment.Select(c => (GrubLegacyLine)c).Or(Command).Optional()
        from end in LineEnd
        select body.GetOrDefault();

    /// <summary>A whole file.</summary>
    public static readonly Parser<IReadOnlyList<GrubLegacyLine>> ConfigFile =
        Line.Many().Select(lines => (IReadOnlyList<GrubLegacyLine>)lines.OfType<GrubLegacyLine>().ToList()).End();

    /// <summary>A number as GRUB legacy's <c>safe_parse_maxint</c> reads it: decimal, or hexadecimal after <c>0x</c>; overflow fails.</summary>
    public static readonly Parser<int> Number =
        (from prefix in Parse.String("0x").Or(Parse.String("0X")).Text()
         from digits in Parse.Chars("0123456789abcdefABCDEF").AtLeastOnce().Text()
         let value = ParseNumber(digits, NumberStyles.AllowHexSpecifier)
         where value >= 0
         select value)
        .Or(from digits in Parse.Digit.AtLeastOnce().Text()
            let value = ParseNumber(digits, NumberStyles.None)
            where value >= 0
            select value)
        .Named("number");

    /// <summary>A drive: <c>hdN</c>, <c>fdN</c>, <c>cdN</c>/<c>cd</c>, <c>nd</c>, or a BIOS drive number (<c>0x80</c> = <c>hd0</c>).</summary>
    public static readonly Parser<(string Kind, int Drive)> Drive =
        (from kind in Parse.String("hd").Or(Parse.String("fd")).Text()
         from drive in Number
         select (kind, drive))
        .Or(from kind in Parse.String("cd").Or(Parse.String("nd")).Text()
            from drive in Number.Optional()
            select (kind, drive.GetOrElse(0)))
        .Or(from bios in Number
            select bios >= 0x80 ? ("hd", bios - 0x80) : ("fd", bios))
        .Named("drive");

    /// <summary>A device: <c>(</c> drive [<c>,</c> partition] [<c>,</c> BSD letter] <c>)</c>.</summary>
    public static readonly Parser<GrubLegacyDevice> Device =
        (from open in Parse.Char('(')
         from drive in Drive
         from partition in (from comma in Parse.Char(',') from number in Number select number).Optional()
         from bsd in (from comma in Parse.Char(',') from letter in Parse.Chars("abcdefgh") select letter).Optional()
         from close in Parse.Char(')')
         select new GrubLegacyDevice(drive.Kind, drive.Drive, partition.IsDefined ? partition.Get() : null, bsd.IsDefined ? bsd.Get() : null))
        .Positioned().Named("device");

    /// <summary>A file name: an optional device, then the path up to the next blank.</summary>
    public static readonly Parser<GrubLegacyFileName> FileName =
        (from device in Device.Optional()
         from path in Parse.CharExcept(' ').Many().Text()
         select new GrubLegacyFileName(device.GetOrDefault(), path)).Positioned().Named("file name");

    /// <summary>A whole device argument (<c>root (hd0,0)</c>), trailing text allowed and ignored as GRUB does.</summary>
    public static readonly Parser<GrubLegacyDevice> DeviceArgument =
        from device in Device
        from rest in Parse.AnyChar.Many()
        select device;

    private static int ParseNumber(string digits, NumberStyles style) =>
        int.TryParse(digits, style, CultureInfo.InvariantCulture, out int value) && value >= 0 ? value : -1;
}
