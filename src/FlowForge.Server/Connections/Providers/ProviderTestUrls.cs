using FlowForge.Engine.Credentials;

namespace FlowForge.Server.Connections.Providers;

/// <summary>Connection tests use the <c>testUrl</c> of the provider's data file (or its configured override).</summary>
internal sealed class ProviderTestUrls(ConnectionProviderCatalog catalog) : IProviderTestUrls
{
    public Uri? TestUrlFor(string provider) =>
        catalog.Find(provider)?.TestUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
}
