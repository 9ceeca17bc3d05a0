using System.CommandLine;

namespace FlowForge.Server.Cli;

/// <summary><c>flowforge health --url URL</c>: a probe for container health checks (runtime images have no curl).</summary>
internal static class HealthCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080/health/ready";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = $"The readiness endpoint to ask [default: {DefaultUrl}]", HelpName = "URL" };
        var command = new Command("health", "Exit 0 when the URL answers 200 (a container health check)") { url };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(url) ?? DefaultUrl, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string url, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            await error.WriteLineAsync($"--url '{url}' is not an absolute URL.");
            return FlowForgeCli.UsageError;
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(uri, cancellationToken);
            await output.WriteLineAsync($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"{uri} did not answer: {ex.Message}");
            return 1;
        }
    }
}
