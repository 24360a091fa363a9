using Sprache;

namespace PvBoot.Grub2.Common;

/// <summary>
/// A position in a config's text for the Sprache grammars: the same line and column rules as Sprache's own
/// <see cref="Input"/>, without the memo table that type allocates at every character (the grammars do not memoize),
/// which made a parse allocate tens of bytes per character consumed.
/// </summary>
internal sealed class TextInput : IInput
{
    private readonly string source;
    private readonly int position;
    private readonly int line;
    private readonly int column;
    private Dictionary<object, object>? memos;

    /// <summary>The start of <paramref name="text"/>.</summary>
    public TextInput(string text)
        : this(text, 0, 1, 1)
    {
    }

    /// <summary>A position inside <paramref name="text"/> whose line and column are known.</summary>
    public static TextInput At(string text, int position, int line, int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, text.Length);
        return new TextInput(text, position, line, column);
    }

    private TextInput(string source, int position, int line, int column)
    {
        this.source = source;
        this.position = position;
        this.line = line;
        this.column = column;
    }

    /// <inheritdoc />
    public string Source => source;

    /// <inheritdoc />
    public char Current => source[position];

    /// <inheritdoc />
    public bool AtEnd => position == source.Length;

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

        return source[position] == '\n'
            ? new TextInput(source, position + 1, line + 1, 1)
            : new TextInput(source, position + 1, line, column + 1);
    }

    /// <summary>This position advanced by <paramref name="count"/> characters (at most to the end) in one step.</summary>
    public TextInput Skip(int count)
    {
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

        return end == position ? this : new TextInput(source, end, newLine, newColumn);
    }

    /// <inheritdoc />
    public bool Equals(IInput? other) =>
        other is not null && other.Position == position && ReferenceEquals(other.Source, source);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IInput other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(source), position);

    /// <inheritdoc />
    public override string ToString() => $"Line {line}, Column {column}";
}
