using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Common;

/// <summary>Where a grammar node lies in its file: 0-based offset, 1-based line and column, and length in characters.</summary>
/// <param name="Offset">The 0-based character (byte) offset.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
/// <param name="Length">The number of characters the node spans.</param>
internal readonly record struct SourceSpan(int Offset, int Line, int Column, int Length)
{
    /// <summary>Builds the span from Sprache's position.</summary>
    /// <param name="start">Where the node starts.</param>
    /// <param name="length">How many characters it spans.</param>
    /// <returns>The span.</returns>
    public static SourceSpan From(Sprache.Position start, int length) => new(start.Pos, start.Line, start.Column, length);

    /// <summary>The location of the span's start in <paramref name="file"/>.</summary>
    /// <param name="file">The configuration file's path.</param>
    /// <returns>The location.</returns>
    public SourceLocation In(string file) => new(file, Line, Column);
}
