using System.CommandLine;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FlowForge.Server.Cli;

/// <summary><c>flowforge serve</c>: runs FlowForge (the API and the engine, or one role of a scaled-out deployment).</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    public static Command Create(IReadOnlyList<string> settings) =>
        SettingOption.ServerCommand("serve", $"Start FlowForge (defaults: SQLite in ./data, {DefaultUrls})", settings, RunAsync);

    private static async Task<int> RunAsync(List<string> config, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!config.Any(c => c.StartsWith("--urls=", StringComparison.OrdinalIgnoreCase)) && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null
            && Environment.GetEnvironmentVariable(FlowForgeApp.EnvironmentPrefix + "urls") is null)
        {
            config.Add($"--urls={DefaultUrls}");
        }

        WebApplication app;
        try
        {
            app = FlowForgeApp.Build(config);
            ValidatedOptions.ValidateNow(app.Services);
        }
        catch (Exception ex) when (StartupFailure.Describe(ex) is { } problems)
        {
            await StartupFailure.WriteAsync(error, problems);
            return FlowForgeCli.UsageError;
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
            await output.WriteLineAsync($"FlowForge is running ({kinds}); health at {address}/health/ready");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }

        await output.WriteLineAsync(Greeting(address, WebAppHosting.ResolveRoot(app.Configuration) is not null));
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// What <c>serve</c> prints once it listens: with the web app, the address to open in a browser first (an empty
    /// server asks there for its owner account); the API's way in for scripts either way.
    /// </summary>
    internal static string Greeting(string address, bool servesWebApp)
    {
        var browser = servesWebApp
            ? $"  Open {address} in a browser: a new server asks for its owner account there, then you sign in and build flows.\n"
            : "";
        var tokensPage = servesWebApp ? " (or create one on the API tokens page)" : "";
        return $$"""
            FlowForge is running at {{address}}
            {{browser}}  API description: {{address}}/openapi/v1.json
              Scripts:  curl -X POST {{address}}/api/auth/register -H 'Content-Type: application/json' -d '{"email":"you@example.com","password":"a long password"}'
                        curl -X POST {{address}}/api/auth/token -H 'Content-Type: application/json' -d '{"email":"you@example.com","password":"a long password"}'
                        then send 'Authorization: Bearer <token>' with every /api call{{tokensPage}}.
            Press Ctrl+C to stop.
            """;
    }
}
