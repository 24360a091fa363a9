using Microsoft.Extensions.Logging;
using PvBoot.Shim.Menu;

namespace PvBoot.Shim.Logging;

/// <summary>
/// The console logger of <c>pygrub</c>: one line per message on standard error (<c>warn: category[event] text</c>),
/// written and flushed synchronously on the logging thread.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Logging.Console queues messages to a background thread. That thread does not exist in the
/// forked worker (a fork copies only the calling thread) and cannot be started once RLIMIT_NPROC is 0, and setting the
/// provider up took a third of a parse-only run, so <c>pygrub</c> writes its lines itself.
/// </remarks>
internal sealed class StandardErrorLoggerProvider(TextWriter writer) : ILoggerProvider
{
    /// <summary>Makes the factory <c>pygrub</c> logs through: warnings and errors, or everything from Debug up.</summary>
    public static ILoggerFactory CreateFactory(TextWriter writer, bool debug) =>
        new LoggerFactory([new StandardErrorLoggerProvider(writer)], new LoggerFilterOptions { MinLevel = debug ? LogLevel.Debug : LogLevel.Warning });

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, writer);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string label = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };
            string text = MenuText.Sanitize(formatter(state, exception));
            string line = exception is null
                ? $"{label}: {category}[{eventId.Id}] {text}"
                : $"{label}: {category}[{eventId.Id}] {text} ({exception.GetType().Name}: {MenuText.Sanitize(exception.Message)})";
            lock (writer)
            {
                writer.WriteLine(line);
                writer.Flush();
            }
        }
    }
}
