using FlowForge.Engine.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>The HTTP client that <c>http.request</c> sends through, behind <see cref="SsrfGuard"/>.</summary>
    public const string ClientName = "FlowForge.Http";

    /// <summary>
    /// Registers what outbound HTTP needs: <see cref="HttpOptions"/> (validated on start; the host binds the
    /// <c>Http</c> section), the guard, the DNS resolver, the guarded client and <see cref="IOutboundHttp"/> for connections. A resolver registered before wins.
    /// </summary>
    public static IServiceCollection AddOutboundHttp(this IServiceCollection services)
    {
        services.AddOptions<HttpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>());
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.TryAddSingleton<SsrfGuard>();
        services.TryAddSingleton<IOutboundHttp, OutboundHttp>();
        services.AddHttpClient(ClientName, client =>
            {
                // Each request has its own deadline (the node's timeoutMs); the client's own would cut it short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<SsrfGuard>().CreateHandler())
            // The factory's request logs print URLs, whose paths and queries can carry keys.
            .RemoveAllLoggers();
        return services;
    }
}
