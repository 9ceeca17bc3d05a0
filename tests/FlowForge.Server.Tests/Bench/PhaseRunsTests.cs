using System.Net;
using System.Text;
using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

/// <summary>
/// The end of a bench phase: the closing snapshot is taken when no run is pending or running, found by reads of one
/// run each; the phase's runs are listed only after it, so the listing is not in the measured figures.
/// </summary>
public sealed class PhaseRunsTests
{
    private static readonly Guid FlowId = Guid.Parse("0193a6f0-0000-7000-8000-000000000001");
    private static readonly Guid RunId = Guid.Parse("0193a6f0-0000-7000-8000-0000000000aa");

    [Fact]
    public async Task EndAsync_RunsStillRunning_PollsOneRunOfEachUnfinishedStatusAndListsTheRunsOnlyAfterTheSnapshot()
    {
        // Running for the first two polls, then finished.
        var handler = new ScriptedRuns(runningPolls: 2);
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var errors = new PhaseErrors();

        var (snapshot, runs) = await PhaseRuns.EndAsync(client, FlowId, errors, () =>
        {
            handler.Log.Add("snapshot");
            return Task.FromResult(42);
        }, pollInterval: TimeSpan.Zero);

        Assert.Equal(42, snapshot);
        Assert.Equal(0, errors.Count);
        var run = Assert.Single(runs);
        Assert.Equal(TimeSpan.FromMilliseconds(7), run.Finished - run.Created);
        var snapshotAt = handler.Log.IndexOf("snapshot");
        Assert.True(snapshotAt > 0, string.Join("\n", handler.Log));
        // Before the snapshot: only the reads of one pending or running run, never the flow's listing.
        Assert.All(handler.Log[..snapshotAt], request => Assert.Matches("^/api/runs\\?status=(pending|running)&limit=1$", request));
        Assert.Contains("/api/runs?status=pending&limit=1", handler.Log[..snapshotAt]);
        Assert.Equal(3, handler.Log[..snapshotAt].Count(r => r == "/api/runs?status=running&limit=1"));
        // After it: the listing, once.
        Assert.Equal([$"/api/flows/{FlowId}/runs?limit=200"], handler.Log[(snapshotAt + 1)..]);
    }

    [Fact]
    public async Task EndAsync_FailedRun_CountsItAsAnError()
    {
        var handler = new ScriptedRuns(runningPolls: 0) { ListedStatus = "Failed" };
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var errors = new PhaseErrors();

        var (_, runs) = await PhaseRuns.EndAsync(client, FlowId, errors, () => Task.FromResult(0), pollInterval: TimeSpan.Zero);

        Assert.Empty(runs);
        Assert.Equal(1, errors.Count);
        Assert.Contains("ended Failed", errors.First, StringComparison.Ordinal);
    }

    /// <summary>Answers the status reads (a running run for the first <c>runningPolls</c>) and the flow's listing of one run.</summary>
    private sealed class ScriptedRuns(int runningPolls) : HttpMessageHandler
    {
        private int _runningPolls = runningPolls;

        public List<string> Log { get; } = [];

        public string ListedStatus { get; init; } = "Succeeded";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.RequestUri!.PathAndQuery;
            Log.Add(target);
            string body;
            if (target == "/api/runs?status=running&limit=1" && _runningPolls-- > 0)
            {
                body = $$"""{"items":[{"id":"{{RunId}}","flowId":"{{FlowId}}","status":"Running","createdAt":"2026-12-03T15:00:00+00:00"}],"nextCursor":"x"}""";
            }
            else if (target.StartsWith("/api/runs?status=", StringComparison.Ordinal))
            {
                body = """{"items":[],"nextCursor":null}""";
            }
            else if (target == $"/api/flows/{FlowId}/runs?limit=200")
            {
                body = $$"""{"items":[{"id":"{{RunId}}","flowId":"{{FlowId}}","status":"{{ListedStatus}}","createdAt":"2026-12-03T15:00:00+00:00","finishedAt":"2026-12-03T15:00:00.007+00:00","error":"boom"}],"nextCursor":null}""";
            }
            else
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
