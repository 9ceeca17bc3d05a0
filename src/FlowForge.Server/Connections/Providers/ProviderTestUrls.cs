using FlowForge.Engine.Credentials;

namespace FlowForge.Server.Connections.Providers;

/// <summary>
/// Connection tests use the <c>testUrl</c> of the provider's data file (or its configured override); for a connection
/// with its own <c>baseUrl</c>, the test URL's path under the provider's <c>apiBaseUrl</c>, on that base.
/// </summary>
internal sealed class ProviderTestUrls(ConnectionProviderCatalog catalog) : IProviderTestUrls
{
    public Uri? TestUrlFor(string provider, string? baseUrl)
    {
        var found = catalog.Find(provider);
        if (found?.TestUrl is not { } text || !Uri.TryCreate(text, UriKind.Absolute, out var test))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            return test;
        }

        // No guess when the test URL is not under the API base: the test then only checks that the secret opens.
        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var custom) || custom.Scheme is not ("http" or "https")
            || found.ApiBaseUrl is not { } api || !Uri.TryCreate(api, UriKind.Absolute, out var apiBase))
        {
            return null;
        }

        var prefix = apiBase.AbsoluteUri.TrimEnd('/') + "/";
        return test.AbsoluteUri.StartsWith(prefix, StringComparison.Ordinal)
            ? new Uri(custom.AbsoluteUri.TrimEnd('/') + "/" + test.AbsoluteUri[prefix.Length..])
            : null;
    }
}
