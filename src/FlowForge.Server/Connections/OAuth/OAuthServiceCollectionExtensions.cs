using FlowForge.Engine.Credentials;
using FlowForge.Nodes.Http;
using FlowForge.Server.Connections.Providers;
using FlowForge.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowForge.Server.Connections.OAuth;

internal static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// The provider catalog, the OAuth round trip, and the OAuth <see cref="IConnectionRefresher"/> and
    /// <see cref="IConnectionRevoker"/>; token calls go through the SSRF guard of <see cref="HttpOptions"/>.
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
        services.AddHttpClient(OAuthTokenClient.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<SsrfGuard>().CreateHandler())
            // Request logs print URLs, and Google's revoke URL carries the token in its query.
            .RemoveAllLoggers();
        return services;
    }
}
