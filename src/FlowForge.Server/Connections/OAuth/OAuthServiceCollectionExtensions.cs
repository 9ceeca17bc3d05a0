using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Nodes.Http;
using FlowForge.Server.Connections.Providers;
using FlowForge.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowForge.Server.Connections.OAuth;

internal static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// The provider catalog, the OAuth round trip, and the OAuth <see cref="IConnectionRefresher"/> and
    /// <see cref="IConnectionRevoker"/>, the providers' built-in rate limits; token calls go through the SSRF guard of <see cref="HttpOptions"/>.
    /// </summary>
    public static IServiceCollection AddOAuthConnections(this IServiceCollection services)
    {
        services.AddValidatedOptions<OAuthOptions, OAuthOptionsValidator>(OAuthOptions.Section);
        services.TryAddSingleton<ConnectionProviderCatalog>();
        services.TryAddSingleton<OAuthTokenClient>();
        services.TryAddSingleton<OAuthAuthorizations>();
        services.TryAddSingleton<IConnectionRefresher, OAuthConnectionRefresher>();
        services.TryAddSingleton<IConnectionRevoker, OAuthConnectionRevoker>();
        services.TryAddSingleton<IProviderTestUrls, ProviderTestUrls>();
        // Over the engine's default of none: the provider files say what each API allows.
        services.Replace(ServiceDescriptor.Singleton<IProviderRateLimits, CatalogProviderRateLimits>());
        services.AddHttpClient(OAuthTokenClient.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<SsrfGuard>().CreateHandler())
            // Request logs print URLs, and Google's revoke URL carries the token in its query.
            .RemoveAllLoggers();
        return services;
    }
}
