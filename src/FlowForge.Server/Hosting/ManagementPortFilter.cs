namespace FlowForge.Server.Hosting;

/// <summary>
/// Keeps the management listener and the main one apart by the port a connection arrived on (never by the Host
/// header, which a client chooses): the management port serves only <see cref="ManagementEndpoint"/>s, and the main
/// ports serve none that are management-only. Anything else answers 404, whatever spelling routed to it.
/// </summary>
internal static class ManagementPortFilter
{
    /// <summary>Adds the listeners to <c>urls</c>; call before the host is built.</summary>
    public static IReadOnlySet<int> AddManagementListeners(this WebApplicationBuilder builder, ServerOptions server)
    {
        var addresses = server.ManagementAddresses();
        if (addresses.Count == 0)
        {
            return new HashSet<int>();
        }

        var main = builder.Configuration["urls"] ?? "http://localhost:5000";
        // A configuration source of its own rather than UseUrls: a value set through the indexer is lost when
        // another source is inserted later and the providers are rebuilt.
        string[] urls = [.. main.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), .. addresses.Select(a => a.ToString())];
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = string.Join(';', urls) });
        return addresses.Select(a => a.Port).ToHashSet();
    }

    /// <summary>Runs after routing has chosen the endpoint; a no-op when no management port is configured.</summary>
    public static WebApplication UseManagementPortFilter(this WebApplication app, IReadOnlySet<int> managementPorts)
    {
        if (managementPorts.Count == 0)
        {
            return app;
        }

        app.Use((context, next) =>
        {
            var management = context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpoint>();
            var allowed = managementPorts.Contains(context.Connection.LocalPort)
                ? management is not null
                : management is null or { AlsoOnMainPort: true };
            if (allowed)
            {
                return next(context);
            }

            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }
}
