namespace PvBoot.Core.Boot;

/// <summary>A position in a boot configuration file.</summary>
/// <param name="File">The configuration file's path inside the guest file system.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
