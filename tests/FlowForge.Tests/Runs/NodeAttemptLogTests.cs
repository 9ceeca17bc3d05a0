using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>What a node logs (a script's console) is kept with its attempt, bounded by <c>Execution:MaxAttemptLogBytes</c>.</summary>
public sealed class NodeAttemptLogTests
{
    private static string CodeFlow(string source) =>
        new FlowBuilder("logs").Node("trigger", "trigger.manual").Node("code", "core.code", new JsonObject { ["source"] = source }).Edge("trigger", "code").ToJson();

    [Fact]
    public async Task HandleAsync_NodeResultWithLogs_KeptWithTheAttempt()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(CodeFlow("console.log('hello', input.name); console.warn('done'); return 1;"));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["name"] = "Ada" }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var attempt = Assert.Single(run.Nodes.Single(n => n.NodeId == "code").Attempts);
        Assert.Equal("hello Ada\n[warn] done", attempt.Logs);
        Assert.Null(Assert.Single(run.Nodes.Single(n => n.NodeId == "trigger").Attempts).Logs);
    }

    [Fact]
    public async Task HandleAsync_FailedNodeWithLogs_KeepsLogsAndError()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(CodeFlow("console.log('about to fail');\nthrow new Error('no');"));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Failed, run.Status);
        var attempt = Assert.Single(run.Nodes.Single(n => n.NodeId == "code").Attempts);
        Assert.Equal("about to fail", attempt.Logs);
        Assert.Contains("line 2, column", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_LogsOverExecutionLimit_CutWithAMarker()
    {
        await using var harness = await EngineHarness.StartAsync(services: s => s.Configure<ExecutionOptions>(o => o.MaxAttemptLogBytes = 200));
        var flowId = await harness.CreateFlowAsync(CodeFlow("for (let i = 0; i < 200; i++) console.log('ligne é ' + i); return 1;"));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        var logs = Assert.Single(run.Nodes.Single(n => n.NodeId == "code").Attempts).Logs;
        Assert.NotNull(logs);
        Assert.StartsWith("ligne é 0\n", logs, StringComparison.Ordinal);
        Assert.EndsWith("(Execution:MaxAttemptLogBytes)", logs, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(logs) <= 200, $"{Encoding.UTF8.GetByteCount(logs)} bytes kept");
        Assert.DoesNotContain("ligne é 199", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_LogLimitZero_KeepsNoLogs()
    {
        await using var harness = await EngineHarness.StartAsync(services: s => s.Configure<ExecutionOptions>(o => o.MaxAttemptLogBytes = 0));
        var flowId = await harness.CreateFlowAsync(CodeFlow("console.log('quiet'); return 1;"));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Null(Assert.Single(run.Nodes.Single(n => n.NodeId == "code").Attempts).Logs);
    }
}
