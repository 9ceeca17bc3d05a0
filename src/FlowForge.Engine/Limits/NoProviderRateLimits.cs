namespace FlowForge.Engine.Limits;

/// <summary>No built-in provider budgets: only those configured apply.</summary>
public sealed class NoProviderRateLimits : IProviderRateLimits
{
    public RateLimitPolicy? DefaultFor(string provider) => null;
}
