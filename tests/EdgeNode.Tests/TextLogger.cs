using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Tests;

/// <summary>Keeps what was logged, to put into a failing test's message.</summary>
internal sealed class TextLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
