using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FlowForge.Server.Cli;

internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["data"] = "Storage:DataDirectory",
        ["urls"] = "urls",
        ["role"] = ProviderKinds.RoleKey,
        ["store"] = ProviderKinds.StoreKey,
        ["store-connection"] = "Storage:ConnectionString",
        ["state-shards"] = "Storage:Shards",
        ["queue"] = ProviderKinds.QueueKey,
        ["queue-connection"] = "Queue:ConnectionString",
        ["cache"] = ProviderKinds.CacheKey,
        ["cache-connection"] = "Cache:ConnectionString",
    };

    public static IReadOnlyDictionary<string, string> OptionNames => ShortNames;

    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var config = FlowForgeCli.ToConfigurationArgs(line, ShortNames);
        if (!line.Options.ContainsKey("urls") && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null
            && Environment.GetEnvironmentVariable(FlowForgeApp.EnvironmentPrefix + "urls") is null)
        {
            config.Add($"--urls={DefaultUrls}");
        }

        WebApplication app;
        try
        {
            app = FlowForgeApp.Build(config);
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync($"FlowForge cannot start: {ex.Message}");
            return 2;
        }

        await using var _ = app;
        try
        {
            await FlowForgeApp.InitializeAsync(app, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Data.Common.DbException)
        {
            await error.WriteLineAsync($"FlowForge could not open its store: {ex.Message}");
            return 1;
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrls;
        var kinds = app.Services.GetRequiredService<ProviderKinds>();
        if (!kinds.ServesApi)
        {
            await output.WriteLineAsync($"FlowForge {kinds.Role.ToString().ToLowerInvariant()} is running (store {kinds.Store}, queue {kinds.Queue}, cache {kinds.Cache}); health at {address}/health/ready");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }

        await output.WriteLineAsync($$"""
            FlowForge is running at {{address}}
              API description: {{address}}/openapi/v1.json
              Sign in:  curl -X POST {{address}}/api/auth/register -H 'Content-Type: application/json' -d '{"email":"you@example.com","password":"a long password"}'
                        curl -X POST {{address}}/api/auth/token -H 'Content-Type: application/json' -d '{"email":"you@example.com","password":"a long password"}'
                        then send 'Authorization: Bearer <token>' with every /api call.
            Press Ctrl+C to stop.
            """);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
