namespace PvBoot.Grub2.Ast;

/// <summary>How a piece of a word was written; expansion differs per kind (GRUB's <c>grub_script_arg_type_t</c>).</summary>
internal enum WordPieceKind
{
    /// <summary>Unquoted text, backslash escapes already removed (<c>GRUB_SCRIPT_ARG_TYPE_TEXT</c>).</summary>
    Bare,

    /// <summary>Text of a <c>'…'</c> string (<c>SQSTR</c>).</summary>
    SingleQuoted,

    /// <summary>Literal text of a <c>"…"</c> string, its escapes removed (<c>DQSTR</c>).</summary>
    DoubleQuoted,

    /// <summary>The text of a <c>$"…"</c> string (<c>GETTEXT</c>): variables inside expand at run time.</summary>
    Translatable,

    /// <summary>A variable reference outside quotes, split on whitespace when expanded (<c>VAR</c>).</summary>
    Variable,

    /// <summary>A variable reference inside <c>"…"</c>, never split (<c>DQVAR</c>).</summary>
    QuotedVariable,
}

/// <summary>One piece of a word.</summary>
/// <param name="Kind">How it was written.</param>
/// <param name="Text">The literal text, or the variable name for variable pieces.</param>
internal sealed record WordPiece(WordPieceKind Kind, string Text)
{
    /// <summary>Whether the piece was quoted (an empty quoted piece still makes an argument).</summary>
    public bool IsQuoted => Kind is WordPieceKind.SingleQuoted or WordPieceKind.DoubleQuoted
        or WordPieceKind.Translatable or WordPieceKind.QuotedVariable;
}
