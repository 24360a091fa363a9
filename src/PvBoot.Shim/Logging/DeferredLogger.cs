using Microsoft.Extensions.Logging;

namespace PvBoot.Shim.Logging;

/// <summary>
/// <c>pygrub</c>'s logger: the level filter is applied here, and the Microsoft.Extensions.Logging factory and logger
/// (<see cref="StandardErrorLoggerProvider"/>) are built on the first message that passes it.
/// </summary>
/// <remarks>
/// Most runs log nothing at the default level (warnings and up), and building the factory and its logger costs about
/// 0.2 ms, a twentieth of a parse-only run.
/// </remarks>
internal sealed class DeferredLogger(TextWriter writer, bool debug, string category) : ILogger, IDisposable
{
    private readonly LogLevel minimum = debug ? LogLevel.Debug : LogLevel.Warning;
    private ILoggerFactory? factory;
    private ILogger? inner;

    /// <summary>Whether the factory has been built (a message passed the filter).</summary>
    public bool Built => inner is not null;

    private ILogger Inner => inner ??= (factory ??= StandardErrorLoggerProvider.CreateFactory(writer, debug)).CreateLogger(category);

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => Inner.BeginScope(state);

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    /// <inheritdoc />
    public void Dispose() => factory?.Dispose();
}
