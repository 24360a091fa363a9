namespace PvBoot.Core.Boot;

/// <summary>
/// A boot configuration that cannot be parsed or evaluated: a syntax error, a file over its size cap, a nesting,
/// expansion or iteration budget exhausted. The message starts with <c>file:line:column:</c>.
/// </summary>
public sealed class ConfigSyntaxException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="location">Where the problem is.</param>
    /// <param name="problem">What is wrong, e.g. <c>unexpected 'fi', expected command</c>.</param>
    public ConfigSyntaxException(SourceLocation location, string problem)
        : base($"{location}: {problem}")
    {
        Location = location;
        Problem = problem;
    }

    /// <summary>Where the problem is.</summary>
    public SourceLocation Location { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
