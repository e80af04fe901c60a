using Microsoft.Extensions.Logging;

namespace EdgeNode.Compression.Cli;

/// <summary>Writes the node's session log lines (a provider that is not available here) to the verb's stderr.</summary>
internal sealed class TextWriterLogger(TextWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            writer.WriteLine(formatter(state, exception));
        }
    }
}
