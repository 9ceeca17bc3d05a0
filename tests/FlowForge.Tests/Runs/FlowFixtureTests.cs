using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Runs;

/// <summary>
/// Every golden flow in <c>tests/fixtures</c> run through the real engine: valid ones end to end with the node
/// statuses they should end with, invalid ones refused with the problems they should be refused for. A fixture
/// added without saying what it should do fails here.
/// </summary>
public sealed class FlowFixtureTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Expectation> Expected = new(StringComparer.Ordinal)
    {
        ["diamond"] = new(Succeeds: ["trigger", "a", "b", "c", "d"]),
        ["set-and-wait"] = new(
            Succeeds: ["trigger", "greeting", "pause", "summary"],
            Input: new JsonObject { ["name"] = "Ada" },
            Waits: ("pause", TimeSpan.FromMinutes(1)),
            Output: ("summary", new JsonObject { ["text"] = "Hello Ada!", ["waitedFor"] = "Ada" })),
        ["cycle"] = new(Problems: [GraphProblemCodes.Cycle]),
        ["webhook-echo"] = new(
            Succeeds: ["hook", "reply", "audit"],
            Input: new JsonObject { ["method"] = "POST", ["body"] = new JsonObject { ["name"] = "Ada" } },
            Output: ("reply", new JsonObject
            {
                ["status"] = 201,
                ["headers"] = new JsonObject { ["X-Flow"] = "echo" },
                ["body"] = new JsonObject { ["greeting"] = "Hello Ada" },
            })),
        ["schedule-every-ten-seconds"] = new(
            Succeeds: ["clock", "stamp"],
            Input: new JsonObject { ["dueAt"] = "2030-01-01T08:00:00Z", ["missed"] = false },
            Output: ("stamp", new JsonObject { ["due"] = "2030-01-01T08:00:00Z" })),
    };

    public static TheoryData<string> Fixtures => new(FlowBuilder.FixtureNames);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task RunThroughEngine_EveryFixture_EndsAsItsExpectationSays(string fixture)
    {
        Assert.True(Expected.TryGetValue(fixture, out var expected), $"tests/fixtures/{fixture}.flow.json has no expectation in {nameof(FlowFixtureTests)}.");
        var time = new FakeTimeProvider(T0);
        await using var harness = await EngineHarness.StartAsync(
            configure: o => o.SweepInterval = TimeSpan.FromMinutes(5),
            services: s => s.AddSingleton<TimeProvider>(time));
        var flowId = await harness.CreateFlowAsync(FlowBuilder.FromFixture(fixture).ToJson());

        if (expected.Problems is { } problems)
        {
            var refused = await Assert.ThrowsAsync<FlowInvalidException>(() => harness.StartRunAsync(flowId, expected.Input));
            Assert.Equal(problems, refused.Problems.Select(p => p.Code));
            return;
        }

        var runId = await harness.StartRunAsync(flowId, expected.Input);
        if (expected.Waits is ({ } waiting, var duration))
        {
            var until = await Eventually.MatchesAsync<DateTimeOffset?>(
                async () => (await harness.GetRunAsync(runId))?.Nodes.SingleOrDefault(n => n.NodeId == waiting)?.WaitUntil,
                at => at is not null,
                $"node {waiting} of {fixture} to wait");
            Assert.Equal(T0 + duration, until);
            Assert.False((await harness.GetRunAsync(runId))!.Status.IsFinal(), $"{fixture} finished while {waiting} waited.");
            // The engine wakes a waiting node a moment after it is due (timers may tick early); a second covers that.
            time.Advance(duration + TimeSpan.FromSeconds(1));
        }

        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(
            expected.Succeeds!.Order(StringComparer.Ordinal).Select(id => (id, NodeStatus.Succeeded)),
            run.Nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal).Select(n => (n.NodeId, n.Status)));
        if (expected.Output is ({ } node, { } output))
        {
            var actual = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == node).OutputJson!);
            Assert.True(JsonNode.DeepEquals(output, actual), $"{node} output {actual?.ToJsonString()}, expected {output.ToJsonString()}.");
        }
    }

    /// <summary>What a fixture does: the nodes that succeed (valid flows) or the problem codes it is refused with.</summary>
    private sealed record Expectation(
        string[]? Succeeds = null,
        string[]? Problems = null,
        JsonObject? Input = null,
        (string Node, TimeSpan Duration)? Waits = null,
        (string Node, JsonObject Output)? Output = null);
}
