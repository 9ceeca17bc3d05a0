namespace FlowForge.Server.Cli;

/// <summary><c>flowforge health --url URL</c>: a probe for container health checks (runtime images have no curl).</summary>
internal static class HealthCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var url = line.Options.GetValueOrDefault("url") ?? "http://127.0.0.1:8080/health/ready";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            await error.WriteLineAsync($"--url '{url}' is not an absolute URL.");
            return 2;
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
