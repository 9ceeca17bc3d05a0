using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Server.Cli;
using FlowForge.Server.Tests.Testing;
using FlowForge.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Hosting;

/// <summary>The sample plugin built with <c>dotnet build -o</c> into a plugins folder and loaded by a real server.</summary>
public sealed class PluginLoaderTests
{
    private static readonly Lazy<Task<string>> SampleBuild = new(BuildSampleAsync);

    [Fact]
    public async Task Start_SamplePluginInFolder_NodeTypeListedAndFlowRunsIt()
    {
        var plugins = await PluginsFolderAsync();
        await using var server = await TestServer.StartAsync($"--Plugins:Directory={plugins}");
        using var client = await server.CreateUserClientAsync();

        var types = (await client.GetFromJsonAsync<JsonArray>("/api/node-types"))!;
        var greet = types.Single(t => t!["id"]!.GetValue<string>() == "sample.greet")!;
        Assert.NotNull(greet["configSchema"]!["properties"]!["name"]);
        Assert.Equal("hand", greet["icon"]!.GetValue<string>());
        Assert.Equal("Action", greet["category"]!.GetValue<string>());
        Assert.True(server.App.Services.GetRequiredService<INodeTypeRegistry>().TryGet("sample.greet", out var loaded));
        var context = AssemblyLoadContext.GetLoadContext(loaded.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Equal("plugin:HelloPlugin", context.Name);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(INodeType).Assembly));

        var created = await client.PostAsJsonAsync("/api/flows", Flows.Chain("greeting", ("greet", "sample.greet", new JsonObject { ["name"] = "Ada" })));
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { } }) };
        request.Headers.Add("Prefer", "wait=10");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var node = run["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == "greet")!;
        Assert.Equal("""{"greeting":"Hello, Ada"}""", node["output"]!.ToJsonString());
    }

    [Fact]
    public async Task Start_NoPluginsFolder_SampleNodeTypeAbsent()
    {
        var missing = Path.Combine(Directory.CreateTempSubdirectory("flowforge-plugins-").FullName, "none");
        await using var server = await TestServer.StartAsync($"--Plugins:Directory={missing}");
        using var client = await server.CreateUserClientAsync();

        var types = (await client.GetFromJsonAsync<JsonArray>("/api/node-types"))!;

        Assert.DoesNotContain(types, t => t!["id"]!.GetValue<string>() == "sample.greet");
        Assert.Contains(types, t => t!["id"]!.GetValue<string>() == "core.noop");
    }

    [Fact]
    public async Task Start_TwoPluginsDefineSameNodeId_FailsNamingTheSecondFile()
    {
        var plugins = await PluginsFolderAsync();
        CopyFolder(Path.Combine(plugins, "hello"), Path.Combine(plugins, "hello2"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync($"--Plugins:Directory={plugins}"));

        var message = Messages(error);
        Assert.Contains(Path.Combine(plugins, "hello2", "HelloPlugin.dll"), message, StringComparison.Ordinal);
        Assert.Contains("'sample.greet'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PluginDllNotAnAssembly_FailsNamingTheFile()
    {
        var plugins = Directory.CreateTempSubdirectory("flowforge-plugins-").FullName;
        var broken = Path.Combine(plugins, "broken.dll");
        await File.WriteAllTextAsync(broken, "not an assembly");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync($"--Plugins:Directory={plugins}"));

        Assert.Contains($"Plugin '{broken}' could not be loaded", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PluginDllNotAnAssembly_ExitsNonZeroNamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("flowforge-plugins-").FullName;
        var plugins = Path.Combine(folder, "plugins");
        Directory.CreateDirectory(plugins);
        var broken = Path.Combine(plugins, "broken.dll");
        await File.WriteAllTextAsync(broken, "not an assembly");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await FlowForgeCli.RunAsync(
            ["serve", "--data", Path.Combine(folder, "data"), "--urls=http://127.0.0.1:0", $"--Plugins:Directory={plugins}"], output, error, CancellationToken.None);

        Assert.NotEqual(0, exit);
        Assert.Contains($"Plugin '{broken}' could not be loaded", error.ToString(), StringComparison.Ordinal);
    }

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null && messages.Count < 10; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    /// <summary>A fresh plugins folder holding the built sample in <c>hello/</c>.</summary>
    private static async Task<string> PluginsFolderAsync()
    {
        var output = await SampleBuild.Value;
        var plugins = Directory.CreateTempSubdirectory("flowforge-plugins-").FullName;
        CopyFolder(output, Path.Combine(plugins, "hello"));
        return plugins;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static async Task<string> BuildSampleAsync()
    {
        var output = Directory.CreateTempSubdirectory("flowforge-plugin-build-").FullName;
        var project = Path.Combine(RepositoryRoot.Path, "samples", "HelloPlugin", "HelloPlugin.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "build", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet build of samples/HelloPlugin took more than 5 minutes.");
        }

        Assert.True(process.ExitCode == 0, $"dotnet build of samples/HelloPlugin failed ({process.ExitCode}): {await stdout}{await stderr}");
        return output;
    }
}
