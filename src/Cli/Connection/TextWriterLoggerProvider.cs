using Microsoft.Extensions.Logging;

namespace Grid.Cli.Connection;

/// <summary>
/// Writes log entries as single lines ("warn: Category: message (ExceptionType: message)") to a writer, stderr in practice,
/// so logging never reaches stdout and never prints a stack trace. The writer must be thread-safe.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, output);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, TextWriter output) : ILogger
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

            string message = formatter(state, exception).ReplaceLineEndings(" ");
            string cause = exception is null ? "" : $" ({exception.GetType().Name}: {ErrorText.Of(exception)})";
            output.WriteLine($"{Label(logLevel)}: {category}: {message}{cause}");
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
