using Microsoft.Extensions.Logging;

namespace FlowForge.Scaling.Tests.Infrastructure;

/// <summary>Writes a component's log to the test's output, shown when a test fails.</summary>
public sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " — " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; background work may still log.
        }
    }
}
