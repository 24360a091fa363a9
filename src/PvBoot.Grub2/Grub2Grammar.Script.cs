using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2;

/// <summary>
/// GRUB 2's script grammar as Sprache parsers, one per production of <c>grub-core/script/parser.y</c>. Tokens are
/// separated by <see cref="Gap"/> (blanks, line continuations, comments) but never by newlines: newline is a delimiter.
/// </summary>
internal static partial class Grub2Grammar
{
    /// <summary>Deepest nesting of blocks and compound commands accepted (GRUB executes at most 64 levels).</summary>
    public const int MaxNestingDepth = 128;

    [ThreadStatic]
    private static int nestingDepth;

    /// <summary><c>"\n"</c>: <c>AfterGap(Char('\n')).Named("newline")</c>.</summary>
    public static Parser<char> Newline => field ??= Punctuation("\n", "newline", static at => at.Current);

    /// <summary><c>delimiter</c>: <c>;</c> or newline: <c>AfterGap(Char(';')).Or(Newline).Named("';' or newline")</c>.</summary>
    public static Parser<char> Delimiter => field ??= Punctuation(";\n", "';' or newline", static at => at.Current);

    /// <summary><c>newlines0</c>: <c>Newline.Many()</c>, the empty case (after most delimiters) without a list.</summary>
    public static Parser<IEnumerable<char>> Newlines0 => field ??=
        input =>
        {
            IResult<char> newline = Newline(input);
            return newline.WasSuccessful ? ManyNewlines(input) : Result.Success<IEnumerable<char>>([], input);
        };

    /// <summary><c>delimiters1</c>: a delimiter, then any newlines.</summary>
    public static Parser<char> Delimiters1 => field ??= from d in Delimiter from more in Newlines0 select d;

    /// <summary><c>delimiters0</c>.</summary>
    public static Parser<IOption<char>> Delimiters0 => field ??= Delimiters1.Optional();

    /// <summary><c>word</c> after a gap: the command word, which may not be a reserved word.</summary>
    public static Parser<Word> CommandWord => field ??=
        AfterGap(from word in WordToken where !word.IsReserved select word).Named("command");

    /// <summary><c>argument</c>: any word, reserved words included.</summary>
    public static Parser<Word> Argument => field ??= AfterGap(WordToken);

    /// <summary><c>arguments0</c>: any number of arguments.</summary>
    public static Parser<IEnumerable<Word>> Arguments0 => field ??= CharParsers.XMany(Argument);

    /// <summary>
    /// <c>block0</c>: an optional block, <c>Block.XOptional()</c>. Where no <c>{</c> follows the gap (after most
    /// commands), that is no block at once: the block would fail there without consuming anything.
    /// </summary>
    public static Parser<IOption<Block>> Block0 => field ??=
        input =>
        {
            IInput at = SkipGap(input);
            return nestingDepth < MaxNestingDepth && (at.AtEnd || at.Current != '{')
                ? Result.Success(NoBlock, input)
                : OptionalBlock(input);
        };

    private static Parser<IEnumerable<char>> ManyNewlines => field ??= Newline.Many();

    private static Parser<IOption<Block>> OptionalBlock => field ??= Block.XOptional();

    private static IOption<Block> NoBlock { get; } = new NoOption<Block>();

    /// <summary><c>"name"</c>: an identifier token (function and loop variable names).</summary>
    public static Parser<string> NameToken => field ??=
        AfterGap(from word in WordToken where word.IsName select word.Raw).Named("name");

    /// <summary><c>"{"</c>, giving where it is: <c>AfterGap(from pos in Here from b in Char('{') select pos).Named("'{'")</c>.</summary>
    public static Parser<TextPosition> OpenBrace => field ??=
        Punctuation("{", "'{'", static at => new TextPosition(at.Line, at.Column, at.Position));

    /// <summary><c>"}"</c>: <c>AfterGap(Char('}')).Named("'}'")</c>.</summary>
    public static Parser<char> CloseBrace => field ??= Punctuation("}", "'}'", static at => at.Current);

    /// <summary><c>commands1</c>: newlines, then commands separated by delimiters.</summary>
    public static Parser<IReadOnlyList<Command>> Commands1 => field ??=
        from nl in Newlines0
        from first in CharParsers.Ref(() => Command)
        from rest in MoreCommands
        select (IReadOnlyList<Command>)[first, .. rest];

    /// <summary>The <c>delimiters1 command</c> repetitions of <c>commands1</c>: stops before a delimiter that no command follows.</summary>
    public static Parser<IReadOnlyList<Command>> MoreCommands => field ??=
        input => RepeatCommands(input, [], budget: null, budgetStart: input)!;

    /// <summary>
    /// <c>commands1</c> inside a block, which GRUB runs from its source later: the commands are kept while the parse's
    /// <see cref="SyntaxTreeBudget"/> lasts (the value is then the list); past it they are only checked (the value is
    /// <see langword="null"/>), so that only one command's syntax tree at a time is alive while a large block is read.
    /// </summary>
    public static Parser<IReadOnlyList<Command>?> BlockCommands1 => field ??=
        input =>
        {
            IInput start = Newlines0(input).Remainder;
            IResult<Command> first = Command(start);
            if (!first.WasSuccessful)
            {
                return Result.Failure<IReadOnlyList<Command>?>(first.Remainder, first.Message, first.Expectations);
            }

            SyntaxTreeBudget? budget = (input as TextInput)?.Budget;
            List<Command>? kept = budget is not null && budget.TryTake(first.Remainder.Position - start.Position) ? [first.Value] : null;
            return RepeatCommands(first.Remainder, kept, budget, first.Remainder);
        };

    /// <summary>The commands of the block whose opening brace <paramref name="input"/> is at, one at a time (the block parsed once already).</summary>
    public static IEnumerable<Command> BlockCommands(IInput input)
    {
        IResult<TextPosition> open = OpenBrace(input);
        if (!open.WasSuccessful)
        {
            yield break;
        }

        IResult<Command> command = Command(Newlines0(open.Remainder).Remainder);
        while (command.WasSuccessful)
        {
            yield return command.Value;
            IResult<char> delimiter = Delimiters1(command.Remainder);
            if (!delimiter.WasSuccessful)
            {
                yield break;
            }

            command = Command(delimiter.Remainder);
        }
    }

    /// <summary>
    /// <c>{ delimiters1 command }</c> from <paramref name="input"/>, stopping before a delimiter that no command follows.
    /// Each command is added to <paramref name="kept"/> while <paramref name="budget"/> (when given) has room for the text
    /// from <paramref name="budgetStart"/> to the command's end; once it has not, <paramref name="kept"/> is dropped.
    /// </summary>
    private static IResult<IReadOnlyList<Command>?> RepeatCommands(IInput input, List<Command>? kept, SyntaxTreeBudget? budget, IInput budgetStart)
    {
        while (true)
        {
            IResult<char> delimiter = Delimiters1(input);
            if (!delimiter.WasSuccessful)
            {
                return Result.Success<IReadOnlyList<Command>?>(kept, input);
            }

            IResult<Command> command = Command(delimiter.Remainder);
            if (!command.WasSuccessful)
            {
                return command.Remainder.Equals(delimiter.Remainder)
                    ? Result.Success<IReadOnlyList<Command>?>(kept, input)
                    : Result.Failure<IReadOnlyList<Command>?>(command.Remainder, command.Message, command.Expectations);
            }

            input = command.Remainder;
            if (kept is not null && budget is not null && !budget.TryTake(input.Position - budgetStart.Position))
            {
                kept = null;
            }

            budgetStart = input;
            kept?.Add(command.Value);
        }
    }

    /// <summary><c>block</c>: <c>{ commands1 [delimiters] }</c>, checked and kept as its place in the text (see <see cref="Ast.Block"/>).</summary>
    public static Parser<Block> Block => field ??= Nested(
        from open in OpenBrace
        from body in WithSpan(from commands in BlockCommands1 from d in Delimiters0 from gap in Gap select commands)
        from close in CloseBrace
        select new Block(open, body.Source, body.Start, body.End, body.Value));

    /// <summary><c>function</c>: <c>function NAME [newlines] { commands1 delimiters1 }</c>.</summary>
    public static Parser<Command> Function => field ??= Nested(
        from start in Keyword("function")
        from name in NameToken
        from nl in Newlines0
        from open in OpenBrace
        from body in WithSpan(from commands in BlockCommands1 from d in Delimiters1 from gap in Gap select commands)
        from close in CloseBrace
        select (Command)new FunctionDefinition(start, name, new Block(open, body.Source, body.Start, body.End, body.Value)));

    /// <summary><c>statement</c>: a command or a function definition.</summary>
    public static Parser<Command> Statement => field ??= CharParsers.Ref(() => Command).Or(Function).Named("command");

    /// <summary>One parse unit as GRUB's normal mode reads it: newlines, a statement and its delimiter.</summary>
    public static Parser<Command> ScriptUnit => field ??=
        from nl in Newlines0
        from statement in Statement
        from delimiter in Delimiter
        select statement;

    /// <summary><c>script</c>: <c>newlines0 { statement delimiter newlines0 }</c> to the end of the input.</summary>
    public static Parser<IReadOnlyList<Command>> Script => field ??=
        from statements in ScriptUnit.Many()
        from nl in Newlines0
        from gap in Gap
        from end in EndOfInput
        select (IReadOnlyList<Command>)statements.ToList();

    /// <summary>The end of the input.</summary>
    public static Parser<object> EndOfInput => field ??=
        input => input.AtEnd
            ? Result.Success(new object(), input)
            : Result.Failure<object>(input, "unexpected input", ["end of input"]);

    /// <summary>The parser of each reserved word asked for so far (see <see cref="Keyword"/>).</summary>
    private static readonly ConcurrentDictionary<string, Parser<TextPosition>> Keywords = new(StringComparer.Ordinal);

    /// <summary>
    /// A reserved word: a word token exactly equal to <paramref name="keyword"/>, giving where it starts, as
    /// <c>AfterGap(from word in WordToken where word.Raw == keyword select word.Start).Named("'keyword'")</c>. Each
    /// compound command tries its keyword on every word that starts a command, so the parser is made once per keyword
    /// and reads the word once, with that composition's success or failure (where, message, expectations).
    /// </summary>
    public static Parser<TextPosition> Keyword(string keyword) =>
        Keywords.GetOrAdd(keyword, static k =>
        {
            string[] expected = [$"'{k}'"];
            return input =>
            {
                IInput at = SkipGap(input);
                IResult<Word> word = WordToken(at);
                if (word.WasSuccessful && word.Value.Raw == k)
                {
                    return Result.Success(word.Value.Start, word.Remainder);
                }

                // where: a word that is not the keyword fails where it starts; after the gap, a failure that consumed
                // nothing is reported where the gap began, and there the expectation is the keyword's name.
                (IInput failedAt, string message, IEnumerable<string> expectations) = word.WasSuccessful
                    ? (at, string.Format(CultureInfo.CurrentCulture, "Unexpected {0}.", word.Value), [])
                    : (word.Remainder, word.Message, word.Expectations);
                if (failedAt.Equals(at))
                {
                    failedAt = input;
                }

                return Result.Failure<TextPosition>(failedAt, message, failedAt.Equals(input) ? expected : expectations);
            };
        });

    /// <summary>Runs <paramref name="parser"/> and also returns the text it ran over and where it started and ended there.</summary>
    private static Parser<(T Value, string Source, int Start, int End)> WithSpan<T>(Parser<T> parser) =>
        input =>
        {
            IResult<T> result = parser(input);
            return result.WasSuccessful
                ? Result.Success((result.Value, input.Source, input.Position, result.Remainder.Position), result.Remainder)
                : Result.Failure<(T, string, int, int)>(result.Remainder, result.Message, result.Expectations);
        };

    /// <summary>
    /// A one-character token after a <see cref="Gap"/>, named <paramref name="name"/>: one of
    /// <paramref name="characters"/>, valued by <paramref name="value"/> at its position. These tokens end or open every
    /// command, so they are read in one step, with the results of the composition each one's summary gives: the value
    /// and the position after the character, or a failure where the gap began expecting <paramref name="name"/>.
    /// </summary>
    private static Parser<T> Punctuation<T>(string characters, string name, Func<IInput, T> value)
    {
        string[] expected = [name];
        return input =>
        {
            IInput at = SkipGap(input);
            return !at.AtEnd && characters.Contains(at.Current)
                ? Result.Success(value(at), at.Advance())
                : Result.Failure<T>(input, CharParsers.UnexpectedCharacter, expected);
        };
    }

    /// <summary>
    /// A token after a <see cref="Gap"/>. If the token fails without consuming anything itself, the failure is reported
    /// where the gap began, so that optional and repeated tokens backtrack over the blanks.
    /// </summary>
    internal static Parser<T> AfterGap<T>(Parser<T> token) =>
        input =>
        {
            IInput afterGap = SkipGap(input);
            IResult<T> result = token(afterGap);
            return result.WasSuccessful || !result.Remainder.Equals(afterGap) || ReferenceEquals(afterGap, input)
                ? result
                : Result.Failure<T>(input, result.Message, result.Expectations);
        };

    /// <summary>Counts nesting around <paramref name="parser"/> and fails cleanly past <see cref="MaxNestingDepth"/>.</summary>
    private static Parser<T> Nested<T>(Parser<T> parser) =>
        input =>
        {
            if (nestingDepth >= MaxNestingDepth)
            {
                throw new Grub2ParseLimitException(
                    new TextPosition(input.Line, input.Column, input.Position),
                    $"nesting too deep (more than {MaxNestingDepth} levels)");
            }

            RuntimeHelpers.EnsureSufficientExecutionStack();
            nestingDepth++;
            try
            {
                return parser(input);
            }
            finally
            {
                nestingDepth--;
            }
        };

    /// <summary>An empty option, as Sprache's own (which it does not expose): empty, and without a value to get.</summary>
    private sealed class NoOption<T> : IOption<T>
    {
        public bool IsEmpty => true;

        public bool IsDefined => false;

        public T GetOrDefault() => default!;

        public T Get() => throw new InvalidOperationException("Cannot get value from None.");
    }
}
