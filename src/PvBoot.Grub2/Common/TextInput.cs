using Sprache;

namespace PvBoot.Grub2.Common;

/// <summary>
/// A position in a config's text for the Sprache grammars: the same line and column rules as Sprache's own
/// <see cref="Input"/>, without the memo table that type allocates at every character (the grammars do not memoize),
/// which made a parse allocate tens of bytes per character consumed. What the positions of one parse share (the text,
/// its <see cref="SyntaxTreeBudget"/>, the last result of <see cref="Recall"/>) is held once, in <see cref="Shared"/>.
/// </summary>
internal sealed class TextInput : IInput
{
    private readonly Shared shared;
    private readonly int position;
    private readonly int line;
    private readonly int column;
    private Dictionary<object, object>? memos;

    /// <summary>The start of <paramref name="text"/>, whose blocks are never kept as syntax trees.</summary>
    public TextInput(string text)
        : this(text, null)
    {
    }

    /// <summary>The start of <paramref name="text"/>, whose blocks' syntax trees are kept within <paramref name="budget"/>.</summary>
    public TextInput(string text, SyntaxTreeBudget? budget)
        : this(new Shared(text, budget), 0, 1, 1)
    {
    }

    private TextInput(Shared shared, int position, int line, int column)
    {
        this.shared = shared;
        this.position = position;
        this.line = line;
        this.column = column;
    }

    /// <summary>A position inside <paramref name="text"/> whose line and column are known; no blocks are kept from there.</summary>
    public static TextInput At(string text, int position, int line, int column)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, text.Length);
        return new TextInput(new Shared(text, null), position, line, column);
    }

    /// <summary>The budget for keeping the syntax trees of blocks in this text, or <see langword="null"/> to keep none.</summary>
    public SyntaxTreeBudget? Budget => shared.Budget;

    /// <summary>
    /// What <paramref name="parser"/> gives at this position: run, or recalled when it was the last parser run through
    /// this method at this position of this parse. One slot, shared by all the parse's positions: for a pure parser that
    /// the grammar asks again at the same place (see <see cref="CharParsers.RememberLast"/>).
    /// </summary>
    public IResult<T> Recall<T>(Parser<T> parser)
    {
        if (ReferenceEquals(shared.LastParser, parser) && shared.LastPosition == position && shared.LastResult is IResult<T> known)
        {
            return known;
        }

        IResult<T> result = parser(this);
        (shared.LastParser, shared.LastPosition, shared.LastResult) = (parser, position, result);
        return result;
    }

    /// <inheritdoc />
    public string Source => shared.Text;

    /// <inheritdoc />
    public char Current => shared.Text[position];

    /// <inheritdoc />
    public bool AtEnd => position == shared.Text.Length;

    /// <inheritdoc />
    public int Position => position;

    /// <inheritdoc />
    public int Line => line;

    /// <inheritdoc />
    public int Column => column;

    /// <inheritdoc />
    public IDictionary<object, object> Memos => memos ??= [];

    /// <inheritdoc />
    public IInput Advance()
    {
        if (AtEnd)
        {
            throw new InvalidOperationException("The input is already at its end.");
        }

        return shared.Text[position] == '\n'
            ? new TextInput(shared, position + 1, line + 1, 1)
            : new TextInput(shared, position + 1, line, column + 1);
    }

    /// <summary>This position advanced by <paramref name="count"/> characters (at most to the end) in one step.</summary>
    public TextInput Skip(int count)
    {
        string source = shared.Text;
        int end = Math.Min(source.Length, position + Math.Max(0, count));
        int newLine = line;
        int newColumn = column;
        for (int i = position; i < end; i++)
        {
            if (source[i] == '\n')
            {
                newLine++;
                newColumn = 1;
            }
            else
            {
                newColumn++;
            }
        }

        return end == position ? this : new TextInput(shared, end, newLine, newColumn);
    }

    /// <inheritdoc />
    public bool Equals(IInput? other) =>
        other is not null && other.Position == position && ReferenceEquals(other.Source, shared.Text);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IInput other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(shared.Text), position);

    /// <inheritdoc />
    public override string ToString() => $"Line {line}, Column {column}";

    /// <summary>What every position of one parse shares.</summary>
    /// <param name="text">The text.</param>
    /// <param name="budget">The budget for keeping blocks' syntax trees, or <see langword="null"/>.</param>
    private sealed class Shared(string text, SyntaxTreeBudget? budget)
    {
        /// <summary>The text.</summary>
        public string Text { get; } = text;

        /// <summary>The parser whose result <see cref="LastResult"/> is (see <see cref="Recall"/>).</summary>
        public object? LastParser { get; set; }

        /// <summary>Where <see cref="LastResult"/> was produced.</summary>
        public int LastPosition { get; set; }

        /// <summary>The last result remembered.</summary>
        public object? LastResult { get; set; }

        /// <summary>The budget for keeping blocks' syntax trees, or <see langword="null"/>.</summary>
        public SyntaxTreeBudget? Budget { get; } = budget;
    }
}
