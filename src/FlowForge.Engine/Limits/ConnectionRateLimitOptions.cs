namespace FlowForge.Engine.Limits;

/// <summary>
/// How the engine paces nodes that act on another app through a connection; bound to configuration section
/// <c>RateLimits</c>, which it shares with the API's own limits (each class reads only its keys).
/// </summary>
public sealed class ConnectionRateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// The furthest ahead a node may be booked in its provider's or connection's budget. A node whose slot would be
    /// later fails (without a retry) saying which budget is exhausted, instead of queueing work for hours.
    /// </summary>
    public TimeSpan MaxDeferral { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many provider 429s in a row a node is deferred for (each by the provider's Retry-After, at most
    /// <see cref="MaxDeferral"/>) before the next one counts as a failed attempt under the node's retry policy.
    /// </summary>
    public int MaxProviderDeferrals { get; set; } = 10;

    /// <summary>
    /// The wait used when a provider answers 429 without a Retry-After (or with none in the future).
    /// </summary>
    public TimeSpan DefaultProviderRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-provider budgets by provider id (<c>RateLimits:Providers:slack:PerSecond</c>), over the built-in defaults.</summary>
    public Dictionary<string, ProviderRateLimit> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);
}
