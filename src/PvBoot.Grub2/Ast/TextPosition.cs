namespace PvBoot.Grub2.Ast;

/// <summary>A point in the script text: 1-based line and column and the 0-based character offset.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
/// <param name="Offset">The 0-based offset into the (CR-free) script text.</param>
internal readonly record struct TextPosition(int Line, int Column, int Offset);
