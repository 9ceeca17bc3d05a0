using FlowForge.Server.Connections.Providers;

namespace FlowForge.Server.Endpoints;

/// <summary>The providers connections can be made to, as the web app's connection dialog shows them.</summary>
internal static class ConnectionProviderEndpoints
{
    public static IEndpointRouteBuilder MapConnectionProviderEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/connection-providers", (ConnectionProviderCatalog catalog) =>
                TypedResults.Ok(new ProviderList([.. catalog.All.Select(ProviderView.From)])))
            .WithTags("Connections")
            .RequireAuthorization()
            .WithSummary("Every provider: id, name, icon, kinds, default scopes, whether it is configured (an OAuth client id is set), the fields the user enters, and its rate limit. Client secrets are never shown.");
        return app;
    }

    internal sealed record ProviderList(IReadOnlyList<ProviderView> Items);

    internal sealed record ProviderView(
        string Id, string DisplayName, string? Icon, IReadOnlyList<string> Kinds, IReadOnlyList<string> Scopes, bool Configured,
        bool Generic, IReadOnlyList<ProviderField> Fields, ProviderRateLimit? RateLimit, string? ApiBaseUrl)
    {
        public static ProviderView From(ConnectionProvider p) =>
            new(p.Id, p.DisplayName, p.Icon, p.Kinds, p.DefaultScopes, p.Configured, p.Generic, p.Fields, p.RateLimit, p.ApiBaseUrl);
    }
}
