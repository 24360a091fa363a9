using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2;

/// <summary>
/// Drives <see cref="Grub2Grammar"/> over a whole file one parse unit at a time, as GRUB's normal mode does: CRs are
/// deleted, a line whose first byte is <c>#</c> is dropped, and (when recovering) a unit with a syntax error is
/// discarded and parsing restarts at the next physical line.
/// </summary>
internal static class Grub2ScriptParser
{
    /// <summary>Parses <paramref name="text"/>; the first syntax error throws.</summary>
    /// <param name="text">The script, one character per byte.</param>
    /// <param name="file">The file name used in positions and messages.</param>
    /// <returns>The script.</returns>
    /// <exception cref="ConfigSyntaxException">The script is malformed or exceeds a cap (token length, nesting).</exception>
    public static Script ParseStrict(string text, string file)
    {
        var errors = new List<ConfigSyntaxException>();
        Script script = Parse(text, file, errors, recover: false, normalMode: false);
        return errors.Count > 0 ? throw errors[0] : script;
    }

    /// <summary>Parses <paramref name="text"/>, discarding units with syntax errors as GRUB does and collecting the errors.</summary>
    /// <param name="text">The script, one character per byte.</param>
    /// <param name="file">The file name used in positions and messages.</param>
    /// <param name="errors">Receives the syntax errors, in order.</param>
    /// <param name="recover">Whether to go on after an error.</param>
    /// <param name="normalMode">
    /// Read lines as GRUB's normal mode does (CRs deleted, lines starting with <c>#</c> dropped even inside quotes);
    /// otherwise as <c>grub-script-check</c> does (CRs become spaces, every line kept).
    /// </param>
    /// <param name="keptBlockCharacters">How many characters of blocks may be kept as syntax trees (see <see cref="SyntaxTreeBudget"/>).</param>
    /// <returns>The units that parsed.</returns>
    /// <exception cref="ConfigSyntaxException">A cap (token length, nesting) was exceeded: never recovered from.</exception>
    public static Script Parse(
        string text,
        string file,
        List<ConfigSyntaxException> errors,
        bool recover = true,
        bool normalMode = true,
        int keptBlockCharacters = SyntaxTreeBudget.DefaultCharacters)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string source = Prepare(text, normalMode);
        var commands = new List<Command>();
        IInput input = new TextInput(source, new SyntaxTreeBudget(keptBlockCharacters));
        try
        {
            while (true)
            {
                input = SkipNewlinesAndGaps(input);
                if (input.AtEnd)
                {
                    break;
                }

                IResult<Command> unit = Grub2Grammar.ScriptUnit(input);
                if (unit.WasSuccessful)
                {
                    commands.Add(unit.Value);
                    input = unit.Remainder;
                    continue;
                }

                errors.Add(Describe(unit, file));
                if (!recover)
                {
                    break;
                }

                input = SkipPastLine(input, unit.Remainder.Line);
            }
        }
        catch (Grub2ParseLimitException limit)
        {
            throw new ConfigSyntaxException(new SourceLocation(file, limit.Position.Line, limit.Position.Column), limit.Problem);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ConfigSyntaxException(new SourceLocation(file, input.Line, input.Column), "nesting too deep");
        }

        return new Script(commands, source);
    }

    /// <summary>
    /// The commands of the block whose opening brace is at <paramref name="openBrace"/> in <paramref name="source"/>,
    /// parsed again from the text (which was checked when the file was read) one command at a time as they are run.
    /// </summary>
    public static IEnumerable<Command> ParseBlock(string source, TextPosition openBrace) =>
        Grub2Grammar.BlockCommands(TextInput.At(source, openBrace.Offset, openBrace.Line, openBrace.Column));

    /// <summary>Deletes CRs and blanks lines whose first byte is <c>#</c> (normal mode) or turns CRs into spaces; ends the text with a newline.</summary>
    public static string Prepare(string text, bool normalMode)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 1);
        bool lineStart = true;
        bool dropping = false;
        foreach (char c in text)
        {
            if (c == '\r')
            {
                if (!normalMode)
                {
                    builder.Append(' ');
                }

                continue;
            }

            if (lineStart)
            {
                dropping = normalMode && c == '#';
            }

            lineStart = c == '\n';
            if (!dropping || c == '\n')
            {
                builder.Append(c);
            }
        }

        if (builder.Length == 0 || builder[^1] != '\n')
        {
            builder.Append('\n');
        }

        return builder.ToString();
    }

    private static IInput SkipNewlinesAndGaps(IInput input)
    {
        while (true)
        {
            IResult<string> gap = Grub2Grammar.Gap(input);
            input = gap.Remainder;
            if (input.AtEnd || input.Current != '\n')
            {
                return input;
            }

            input = input.Advance();
        }
    }

    private static IInput SkipPastLine(IInput input, int line)
    {
        while (!input.AtEnd && input.Line <= line)
        {
            input = input.Advance();
        }

        return input;
    }

    private static ConfigSyntaxException Describe<T>(IResult<T> failure, string file)
    {
        IInput at = failure.Remainder;
        while (!at.AtEnd && at.Current is ' ' or '\t')
        {
            at = at.Advance();
        }

        string unexpected;
        if (at.AtEnd)
        {
            unexpected = "end of file";
        }
        else if (at.Current == '\n')
        {
            unexpected = "newline";
        }
        else
        {
            IResult<Word> word = Grub2Grammar.WordToken(at);
            string token = word.WasSuccessful ? word.Value.Raw : at.Current.ToString();
            if (token.Length > 40)
            {
                token = token[..40] + "…";
            }

            unexpected = $"'{Escape(token)}'";
        }

        string expected = failure.Expectations.Any()
            ? string.Join(" or ", failure.Expectations.Distinct())
            : "something else";
        return new ConfigSyntaxException(new SourceLocation(file, at.Line, at.Column), $"unexpected {unexpected}, expected {expected}");
    }

    private static string Escape(string token)
    {
        var builder = new StringBuilder(token.Length);
        foreach (char c in token)
        {
            builder.Append(c < 0x20 || c is >= (char)0x7f and < (char)0xa0 ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return builder.ToString();
    }
}
