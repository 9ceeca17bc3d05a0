namespace FlowForge.Server.Hosting;

/// <summary>Where plans, rate limits and run events are shared (<c>Cache:Provider</c>, <c>--cache</c>).</summary>
public enum CacheKind
{
    Memory,
    Redis,
}
