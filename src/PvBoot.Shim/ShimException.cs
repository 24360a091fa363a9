namespace PvBoot.Shim;

/// <summary>A failure the shim reports as one line plus a hint (not image corruption).</summary>
internal sealed class ShimException(string message, string hint, ExitCode code = ExitCode.Failure) : Exception(message)
{
    /// <summary>What the administrator can do about it.</summary>
    public string Hint { get; } = hint;

    /// <summary>The exit code.</summary>
    public ExitCode Code { get; } = code;
}
