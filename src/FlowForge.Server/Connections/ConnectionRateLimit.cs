namespace FlowForge.Server.Connections;

/// <summary>A connection's own rate limit as the API spells it: <c>{ "perSecond": 2.5, "burst": 5 }</c>.</summary>
internal sealed record ConnectionRateLimit(double PerSecond, int Burst);
