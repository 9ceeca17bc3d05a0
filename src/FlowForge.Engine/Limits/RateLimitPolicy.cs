namespace FlowForge.Engine.Limits;

/// <summary>A bucket holding up to <see cref="Capacity"/> tokens, refilled continuously at <see cref="TokensPerSecond"/>.</summary>
public sealed record RateLimitPolicy(int Capacity, double TokensPerSecond)
{
    public TimeSpan TimeFor(double tokens) => TimeSpan.FromSeconds(Math.Max(0, tokens) / TokensPerSecond);
}
