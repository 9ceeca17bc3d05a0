namespace FlowForge.Server.Connections.Providers;

/// <summary>A provider's documented request rate: <see cref="PerSecond"/> sustained, up to <see cref="Burst"/> at once.</summary>
public sealed record ProviderRateLimit(double PerSecond, int Burst);
