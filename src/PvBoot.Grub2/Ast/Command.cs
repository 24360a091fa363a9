namespace PvBoot.Grub2.Ast;

/// <summary>A statement of a GRUB script (parser.y <c>statement</c>/<c>command</c>).</summary>
/// <param name="Start">Where it starts.</param>
internal abstract record Command(TextPosition Start);

/// <summary>A simple command (<c>grubcmd</c>): words and an optional trailing block.</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="Words">The command word and its arguments.</param>
/// <param name="Block">The <c>{ … }</c> block, or <see langword="null"/>.</param>
/// <param name="Source">The text the command was parsed from.</param>
/// <param name="End">The offset in <paramref name="Source"/> just past the command's last token.</param>
internal sealed record SimpleCommand(TextPosition Start, IReadOnlyList<Word> Words, Block? Block, string Source, int End) : Command(Start)
{
    /// <summary>The command as written, from its first word to its last token.</summary>
    public string Text => Source[Start.Offset..End];

    /// <summary>The text after word <paramref name="index"/>, blanks at both ends removed (what pygrub keeps as arguments).</summary>
    public string TextAfter(int index)
    {
        int from = Words[index].End;
        return from >= End ? string.Empty : Source[from..End].Trim(' ', '\t');
    }
}

/// <summary><c>if</c> list <c>then</c> list [<c>elif</c> … | <c>else</c> list] <c>fi</c> (parser.y <c>ifcmd</c>/<c>ifclause</c>).</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="Condition">The condition list.</param>
/// <param name="Then">The commands run when the condition succeeds.</param>
/// <param name="Else">The <c>else</c> commands (an <c>elif</c> is a nested <see cref="IfCommand"/>), or empty.</param>
internal sealed record IfCommand(TextPosition Start, IReadOnlyList<Command> Condition, IReadOnlyList<Command> Then, IReadOnlyList<Command> Else)
    : Command(Start);

/// <summary><c>for NAME in words; do list; done</c> (parser.y <c>forcmd</c>).</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="Variable">The loop variable.</param>
/// <param name="Items">The words iterated over (expanded and split at run time).</param>
/// <param name="Body">The loop body.</param>
internal sealed record ForCommand(TextPosition Start, string Variable, IReadOnlyList<Word> Items, IReadOnlyList<Command> Body)
    : Command(Start);

/// <summary><c>while</c>/<c>until</c> list <c>do</c> list <c>done</c> (parser.y <c>whilecmd</c>/<c>untilcmd</c>).</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="Condition">The condition list.</param>
/// <param name="Body">The loop body.</param>
/// <param name="IsUntil">Whether the loop runs until the condition succeeds.</param>
internal sealed record WhileCommand(TextPosition Start, IReadOnlyList<Command> Condition, IReadOnlyList<Command> Body, bool IsUntil)
    : Command(Start);

/// <summary><c>function NAME { list; }</c> (parser.y <c>function</c>).</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="Name">The function name.</param>
/// <param name="Body">The function body.</param>
internal sealed record FunctionDefinition(TextPosition Start, string Name, Block Body) : Command(Start);

/// <summary>
/// A <c>{ … }</c> block (parser.y <c>block</c>). GRUB keeps a block as source and parses it again each time it runs it
/// (menu entries, submenus, functions). Parsing the same text gives the same commands, so PvBoot keeps the commands the
/// first reading produced while the file's <see cref="Common.SyntaxTreeBudget"/> lasts; a block past the budget holds
/// only its place in the text and <see cref="Commands"/> parses it when asked, so a large menu costs its text plus a
/// constant, not its whole syntax tree, until an entry runs.
/// </summary>
internal sealed class Block
{
    private readonly IReadOnlyList<Command>? commands;
    private readonly string source;
    private readonly int bodyStart;
    private readonly int bodyEnd;

    /// <summary>A block of <paramref name="source"/> whose opening brace is at <paramref name="start"/>.</summary>
    /// <param name="start">Where the opening brace is.</param>
    /// <param name="source">The text the block was parsed from.</param>
    /// <param name="bodyStart">The offset just past the opening brace.</param>
    /// <param name="bodyEnd">The offset of the closing brace.</param>
    /// <param name="commands">The commands parsed from the body, or <see langword="null"/> to parse them on demand.</param>
    public Block(TextPosition start, string source, int bodyStart, int bodyEnd, IReadOnlyList<Command>? commands = null)
    {
        Start = start;
        this.source = source;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
        this.commands = commands;
    }

    /// <summary>A block made from commands parsed from <paramref name="text"/> (a BLS snippet, a <c>source</c>d file).</summary>
    /// <param name="start">Where it starts.</param>
    /// <param name="commands">The commands.</param>
    /// <param name="text">Their text.</param>
    public Block(TextPosition start, IReadOnlyList<Command> commands, string text)
        : this(start, text, 0, text.Length, commands)
    {
    }

    /// <summary>Where the opening brace is.</summary>
    public TextPosition Start { get; }

    /// <summary>Whether the commands are held (kept from the first reading, or given), rather than parsed on demand.</summary>
    public bool HoldsCommands => commands is not null;

    /// <summary>The text between the braces.</summary>
    public string Text => source[bodyStart..bodyEnd];

    /// <summary>The commands inside: those kept when the file was read, else parsed again from the source, one at a time, at each enumeration.</summary>
    public IEnumerable<Command> Commands => commands ?? Grub2ScriptParser.ParseBlock(source, Start);
}

/// <summary>A parsed script: its statements in order.</summary>
/// <param name="Commands">The statements.</param>
/// <param name="Text">The text parsed (CRs removed, lines starting with <c>#</c> blanked).</param>
internal sealed record Script(IReadOnlyList<Command> Commands, string Text)
{
    /// <summary>Whether the script holds a command other than a function definition (<c>grub-script-check</c> rejects scripts without one).</summary>
    public bool HasCommands => Commands.Any(c => c is not FunctionDefinition);
}
