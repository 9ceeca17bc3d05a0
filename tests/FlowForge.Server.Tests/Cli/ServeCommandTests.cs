using FlowForge.Server.Cli;

namespace FlowForge.Server.Tests.Cli;

public sealed class ServeCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-serve-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Serve_WithTheWebApp_PrintsTheAddressToOpenInABrowser()
    {
        var web = Directory.CreateDirectory(Path.Combine(_folder.FullName, "web"));
        await File.WriteAllTextAsync(Path.Combine(web.FullName, "index.html"), "<!doctype html><title>FlowForge</title>");

        var greeting = await GreetingAsync($"--Web:Root={web.FullName}");

        var address = greeting.Split('\n')[0]["FlowForge is running at ".Length..].Trim();
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", address);
        Assert.Contains($"Open {address} in a browser: a new server asks for its owner account there", greeting, StringComparison.Ordinal);
        Assert.Contains("API tokens page", greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithoutTheWebApp_PointsScriptsAtTheApiOnly()
    {
        var greeting = await GreetingAsync($"--Web:Root={_folder.FullName}");

        Assert.StartsWith("FlowForge is running at http://127.0.0.1:", greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("in a browser", greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("API tokens page", greeting, StringComparison.Ordinal);
        Assert.Contains("/api/auth/token", greeting, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>serve</c> in this process until it has printed its greeting, then stops it.</summary>
    private async Task<string> GreetingAsync(string webRoot)
    {
        using var output = new GreetingWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serve = FlowForgeCli.RunAsync(
            ["serve", "--data", Path.Combine(_folder.FullName, "data"), "--urls=http://127.0.0.1:0", webRoot], output, error, stop.Token);

        var printed = await Task.WhenAny(output.Greeted.Task, serve).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        var exit = await serve.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(printed != serve, $"serve ended with {exit} before it printed its greeting: {error}");
        return await output.Greeted.Task;
    }

    private sealed class GreetingWriter : StringWriter
    {
        public TaskCompletionSource<string> Greeted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task WriteLineAsync(string? value)
        {
            if (value?.StartsWith("FlowForge is running at", StringComparison.Ordinal) == true)
            {
                Greeted.TrySetResult(value);
            }

            return base.WriteLineAsync(value);
        }
    }
}
