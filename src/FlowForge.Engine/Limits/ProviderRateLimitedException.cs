namespace FlowForge.Engine.Limits;

/// <summary>
/// A provider answered "too many requests" (429, with <c>Retry-After</c> when it sent one). Thrown by a connection's
/// HTTP client or by a node; the engine defers the node to <see cref="RetryAfter"/> from now as a durable timer, without
/// counting a failed attempt.
/// </summary>
public sealed class ProviderRateLimitedException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
