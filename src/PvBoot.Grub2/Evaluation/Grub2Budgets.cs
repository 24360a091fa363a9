namespace PvBoot.Grub2.Evaluation;

/// <summary>Caps on evaluating a configuration; hitting one is a <see cref="Core.Boot.ConfigSyntaxException"/> naming it.</summary>
internal sealed record Grub2Budgets
{
    /// <summary>The defaults: far above any generated configuration.</summary>
    public static Grub2Budgets Default { get; } = new();

    /// <summary>Commands executed in total (menu construction plus every entry body).</summary>
    public int MaxCommands { get; init; } = 2_000_000;

    /// <summary>Length of one expanded argument or variable value, in characters.</summary>
    public int MaxValueLength { get; init; } = 1024 * 1024;

    /// <summary>Characters produced by expansion in total.</summary>
    public long MaxExpandedCharacters { get; init; } = 64L * 1024 * 1024;

    /// <summary>Iterations of one <c>for</c>/<c>while</c>/<c>until</c> loop.</summary>
    public int MaxLoopIterations { get; init; } = 100_000;

    /// <summary>Nested function calls, <c>eval</c>s and executed compound commands (Fedora caps nesting at 64).</summary>
    public int MaxCallDepth { get; init; } = 64;

    /// <summary>Nested <c>source</c>/<c>configfile</c>/<c>blscfg</c> files.</summary>
    public int MaxSourceDepth { get; init; } = 16;

    /// <summary>Entries in one menu.</summary>
    public int MaxMenuEntries { get; init; } = 20_000;

    /// <summary>BLS entry files read by one <c>blscfg</c>.</summary>
    public int MaxBlsEntries { get; init; } = 4_096;

    /// <summary>Values of one key (<c>initrd</c>, <c>options</c>) in one BLS entry.</summary>
    public int MaxBlsValuesPerKey { get; init; } = 256;

    /// <summary>Length of a BLS file name or version string compared by the sort.</summary>
    public int MaxBlsVersionLength { get; init; } = 1024;

    /// <summary>Files read with <c>initrd</c> in one entry.</summary>
    public int MaxInitrds { get; init; } = 256;
}
