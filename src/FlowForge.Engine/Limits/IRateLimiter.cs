namespace FlowForge.Engine.Limits;

/// <summary>
/// Token buckets shared by every process of a deployment (in memory on the embedded default, Redis when
/// scaled out). Callers decide what a refusal means: an API answers 429 with Retry-After; work that hits
/// a connection's limit waits instead of failing.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Takes <paramref name="cost"/> tokens from bucket <paramref name="key"/> if it holds them; atomic per key.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitPolicy policy, int cost, CancellationToken cancellationToken);
}
