using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Testing;

/// <summary>Keeps every log entry with the scope values active when it was written.</summary>
public sealed class CapturingLoggerProvider(LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider, ISupportExternalScope
{
    private readonly LogLevel _minimumLevel = minimumLevel;

    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            owner._scopes.ForEachScope((value, s) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (k, v) in pairs)
                    {
                        s[k] = v;
                    }
                }
            }, scope);
            owner.Entries.Enqueue((category, logLevel, formatter(state, exception), scope));
        }
    }
}
