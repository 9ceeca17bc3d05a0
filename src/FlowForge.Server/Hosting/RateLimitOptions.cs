using FlowForge.Engine.Limits;

namespace FlowForge.Server.Hosting;

/// <summary>Per-user limits on the API, bound to section <c>RateLimits</c>. Excess calls get 429 with Retry-After.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sustained run starts per second per user.</summary>
    public double RunStartsPerSecond { get; set; } = 5_000;

    /// <summary>Run starts a user may make at once after being idle.</summary>
    public int RunStartBurst { get; set; } = 10_000;

    public RateLimitPolicy RunStarts => new(RunStartBurst, RunStartsPerSecond);
}
