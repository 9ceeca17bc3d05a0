using FlowForge.Engine.Limits;

namespace FlowForge.Server.Connections.Providers;

/// <summary>
/// The <c>rateLimit</c> of each provider's data file as its built-in budget; <c>RateLimits:Providers:&lt;id&gt;</c>
/// overrides it (the engine reads configuration first).
/// </summary>
internal sealed class CatalogProviderRateLimits(ConnectionProviderCatalog catalog) : IProviderRateLimits
{
    public RateLimitPolicy? DefaultFor(string provider) =>
        catalog.Find(provider)?.RateLimit is { } limit ? new RateLimitPolicy(limit.Burst, limit.PerSecond) : null;
}
