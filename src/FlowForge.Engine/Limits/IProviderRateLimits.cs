namespace FlowForge.Engine.Limits;

/// <summary>
/// The built-in budget of each provider (what its API documents), used when <c>RateLimits:Providers:&lt;id&gt;</c> does
/// not set one. Registered by whoever knows the providers; the engine knows none of them.
/// </summary>
public interface IProviderRateLimits
{
    /// <summary>The provider's default budget; null when it has none (then only configuration can set one).</summary>
    RateLimitPolicy? DefaultFor(string provider);
}
