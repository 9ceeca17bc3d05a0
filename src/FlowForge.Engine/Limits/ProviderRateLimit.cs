namespace FlowForge.Engine.Limits;

/// <summary>One provider's budget, shared by every connection and every worker: calls per second and calls at once after being idle.</summary>
public sealed class ProviderRateLimit
{
    public double PerSecond { get; set; }

    public int Burst { get; set; } = 1;

    public RateLimitPolicy ToPolicy() => new(Burst, PerSecond);
}
