namespace PvBoot.Grub2.Ast;

/// <summary>A word token (GRUB's <c>WORD</c>/<c>NAME</c>): pieces that concatenate into one or more arguments.</summary>
/// <param name="Pieces">The pieces in order.</param>
/// <param name="Raw">The word exactly as written.</param>
/// <param name="Start">Where it starts.</param>
/// <param name="End">The offset just after its last character.</param>
internal sealed record Word(IReadOnlyList<WordPiece> Pieces, string Raw, TextPosition Start, int End)
{
    private static readonly string[] ReservedWords =
        ["if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until", "function", "case", "esac", "select"];

    /// <summary>Whether the word is a reserved word (the whole unquoted token equals one).</summary>
    public bool IsReserved => Array.IndexOf(ReservedWords, Raw) >= 0;

    /// <summary>Whether the word is a <c>NAME</c> token: an identifier that is not a reserved word.</summary>
    public bool IsName => !IsReserved && IsIdentifier(Raw);

    /// <summary>The word's text when it contains no variable reference, else <see langword="null"/>.</summary>
    public string? LiteralText =>
        Pieces.Any(p => p.Kind is WordPieceKind.Variable or WordPieceKind.QuotedVariable or WordPieceKind.Translatable)
            ? null
            : string.Concat(Pieces.Select(p => p.Text));

    /// <summary>Whether <paramref name="text"/> is <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Raw;
}
