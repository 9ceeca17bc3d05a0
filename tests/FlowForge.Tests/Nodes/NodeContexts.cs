using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Nodes;

/// <summary>Node contexts as the engine would build them, with only what a test cares about set.</summary>
public static class NodeContexts
{
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public static NodeContext For(
        JsonNode? config,
        JsonNode? input = null,
        JsonNode? runInput = null,
        IReadOnlyDictionary<string, JsonNode?>? upstream = null,
        DateTimeOffset? resumedFromWaitUntil = null,
        IReadOnlyList<string>? finishedParents = null,
        IRunBlobWriter? blobs = null,
        INodeConnections? connections = null) => new()
        {
            RunId = Guid.NewGuid(),
            NodeId = "node",
            Attempt = 1,
            Config = config,
            RunInput = runInput,
            Input = input,
            Upstream = upstream ?? new Dictionary<string, JsonNode?>(),
            ResumedFromWaitUntil = resumedFromWaitUntil,
            FinishedParents = finishedParents ?? [],
            Time = new FakeTimeProvider(Now),
            Logger = NullLogger.Instance,
            Blobs = blobs,
            Connections = connections,
        };
}
