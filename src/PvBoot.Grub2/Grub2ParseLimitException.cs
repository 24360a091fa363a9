using PvBoot.Grub2.Ast;

namespace PvBoot.Grub2;

/// <summary>Raised inside the grammar when a cap is hit (token length, nesting); the parser driver turns it into a <see cref="Core.Boot.ConfigSyntaxException"/>.</summary>
internal sealed class Grub2ParseLimitException : Exception
{
    public Grub2ParseLimitException(TextPosition position, string problem)
        : base(problem)
    {
        Position = position;
        Problem = problem;
    }

    public Grub2ParseLimitException()
    {
        Problem = string.Empty;
    }

    public Grub2ParseLimitException(string message)
        : base(message)
    {
        Problem = message;
    }

    public Grub2ParseLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    public TextPosition Position { get; }

    public string Problem { get; }
}
