namespace PvBoot.Grub2.Ast;

/// <summary>A statement of a GRUB script (parser.y <c>statement</c>/<c>command</c>).</summary>
/// <param name="Start">Where it starts.</param>
internal abstract record Command(TextPosition Start);

/// <summary>A simple command (<c>grubcmd</c>): words and an optional trailing block.</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="Words">The command word and its arguments.</param>
/// <param name="Block">The <c>{ … }</c> block, or <see langword="null"/>.</param>
/// <param name="Text">The command as written, from its first word to its last token.</param>
internal sealed record SimpleCommand(TextPosition Start, IReadOnlyList<Word> Words, Block? Block, string Text) : Command(Start)
{
    /// <summary>The text after word <paramref name="index"/>, blanks at both ends removed (what pygrub keeps as arguments).</summary>
    public string TextAfter(int index)
    {
        int offset = Words[index].End - Start.Offset;
        return offset >= Text.Length ? string.Empty : Text[offset..].Trim(' ', '\t');
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

/// <summary>A <c>{ … }</c> block (parser.y <c>block</c>): its commands and its text, which GRUB keeps as source.</summary>
/// <param name="Start">Where the opening brace is.</param>
/// <param name="Commands">The commands inside.</param>
/// <param name="Text">The text between the braces.</param>
internal sealed record Block(TextPosition Start, IReadOnlyList<Command> Commands, string Text);

/// <summary>A parsed script: its statements in order.</summary>
/// <param name="Commands">The statements.</param>
/// <param name="Text">The text parsed (CRs removed, lines starting with <c>#</c> blanked).</param>
internal sealed record Script(IReadOnlyList<Command> Commands, string Text)
{
    /// <summary>Whether the script holds a command other than a function definition (<c>grub-script-check</c> rejects scripts without one).</summary>
    public bool HasCommands => Commands.Any(c => c is not FunctionDefinition);
}
