using System.Text.Json.Nodes;
using FlowForge.Server.Cli;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Cli;

public sealed class FlowForgeCliTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string name, JsonObject flow)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, flow.ToJsonString());
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await FlowForgeCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Validate_ValidFlow_ExitsZero()
    {
        var (exit, output, _) = await RunAsync("validate", Write("ok.flow.json", Flows.Diamond()));

        Assert.Equal(0, exit);
        Assert.Contains("is valid (5 nodes, 5 edges)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenFlow_PrintsEveryProblemAndExitsOne()
    {
        var flow = Flows.Diamond();
        flow["nodes"]!.AsArray().Add(Flows.Node("lonely", "core.noop"));
        flow["nodes"]!.AsArray().Add(Flows.Node("odd", "core.unknown"));

        var (exit, output, _) = await RunAsync("validate", Write("bad.flow.json", flow));

        Assert.Equal(1, exit);
        Assert.Contains("unreachable_node [node 'lonely'", output, StringComparison.Ordinal);
        Assert.Contains("unknown_node_type [node 'odd'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SucceedingFlow_ShowsEachNodeAndExitsZero()
    {
        var flow = Flows.Chain("greet", ("hello", "core.set", new JsonObject { ["values"] = new JsonObject { ["text"] = "hello {{ input.name }}" } }));

        var (exit, output, _) = await RunAsync("run", Write("greet.flow.json", flow), "--input", "{\"name\":\"Ada\"}");

        Assert.Equal(0, exit);
        Assert.Contains("trigger", output, StringComparison.Ordinal);
        Assert.Contains("Succeeded", output, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"hello Ada\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailingFlow_ExitsOneNamingTheNode()
    {
        var flow = Flows.Chain("fails", ("boom", "core.error", new JsonObject { ["message"] = "nope" }));

        var (exit, output, error) = await RunAsync("run", Write("fails.flow.json", flow));

        Assert.Equal(1, exit);
        Assert.Contains("Failed", output, StringComparison.Ordinal);
        Assert.Contains("boom", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadInput_ExitsTwo()
    {
        var (exit, _, error) = await RunAsync("run", Write("x.flow.json", Flows.Diamond()), "--input", "[1,2]");

        Assert.Equal(2, exit);
        Assert.Contains("--input must be a JSON object", error, StringComparison.Ordinal);
    }
}
