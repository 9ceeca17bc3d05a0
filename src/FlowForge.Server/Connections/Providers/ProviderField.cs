namespace FlowForge.Server.Connections.Providers;

/// <summary>One field of a provider's connection form. <see cref="Secret"/> fields are stored sealed, never returned.</summary>
public sealed record ProviderField(
    string Name,
    string Label,
    string Type,
    bool Required,
    bool Secret = false,
    string? Default = null,
    IReadOnlyList<string>? Options = null);
