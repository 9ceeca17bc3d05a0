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

    /// <summary>
    /// Books <paramref name="cost"/> tokens from bucket <paramref name="key"/> whether or not it holds them now (the
    /// bucket goes into debt), unless they would be available only after <paramref name="maxWait"/>: then nothing is
    /// booked. Atomic per key, so concurrent callers get distinct slots in the order they were booked; a
    /// <see cref="TryAcquireAsync"/> sees the debt and is refused until it is paid back.
    /// </summary>
    ValueTask<RateLimitReservation> ReserveAsync(string key, RateLimitPolicy policy, int cost, TimeSpan maxWait, CancellationToken cancellationToken);
}
