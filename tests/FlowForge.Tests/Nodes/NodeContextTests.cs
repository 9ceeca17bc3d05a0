using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Nodes;

public sealed class NodeContextTests
{
    [Fact]
    public void Views_NodeThatReadsNone_MakesNone()
    {
        // Set, if, merge and the other pure nodes read no blob writer, child runs or connections: a run of them made three
        // objects per node that nobody used.
        var views = new CountingViews();
        var context = Context(views);

        Assert.Equal("node", context.NodeId);

        Assert.Equal(0, views.Made);
    }

    [Fact]
    public void Views_ReadTwice_AreMadeOnceForTheExecutionTheyBelongTo()
    {
        var views = new CountingViews();
        var context = Context(views);

        var children = context.Children;
        var blobs = context.Blobs;

        Assert.Same(children, context.Children);
        Assert.Same(blobs, context.Blobs);
        Assert.Equal(2, views.Made);
        var made = Assert.IsType<CountingViews.ChildRuns>(children);
        Assert.Equal((context.RunId, "node", 3), (made.RunId, made.NodeId, made.Attempt));
    }

    [Fact]
    public void Views_NotOfferedByTheHost_AreNull()
    {
        var context = Context(new CountingViews { OffersConnections = false });

        Assert.Null(context.Connections);
        Assert.Null(context.Connections);
    }

    [Fact]
    public void Views_ReadFromSeveralThreadsAtOnce_AreOneView()
    {
        var views = new CountingViews();
        var context = Context(views);
        var seen = new IChildRuns?[8];

        Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => seen[i] = context.Children);

        Assert.All(seen, view => Assert.Same(seen[0], view));
    }

    [Fact]
    public void Views_SetByTheCaller_AreTheOnesGiven()
    {
        // A node tested on its own is handed its views directly.
        var blobs = new CountingViews.BlobWriter();
        var context = NodeContexts.For(null, blobs: blobs);

        Assert.Same(blobs, context.Blobs);
        Assert.Null(context.Children);
        Assert.Null(context.Connections);
    }

    private static NodeContext Context(INodeViews views) => new()
    {
        RunId = Guid.NewGuid(),
        NodeId = "node",
        Attempt = 3,
        Config = null,
        RunInput = null,
        Input = new JsonObject(),
        Upstream = new Dictionary<string, JsonNode?>(),
        Time = new FakeTimeProvider(NodeContexts.Now),
        Logger = NullLogger.Instance,
        Views = views,
    };

    private sealed class CountingViews : INodeViews
    {
        private int _made;

        public int Made => _made;

        public bool OffersConnections { get; init; } = true;

        public IRunBlobWriter? BlobsFor(NodeContext context)
        {
            Interlocked.Increment(ref _made);
            return new BlobWriter();
        }

        public IChildRuns? ChildrenFor(NodeContext context)
        {
            Interlocked.Increment(ref _made);
            return new ChildRuns(context.RunId, context.NodeId, context.Attempt);
        }

        public INodeConnections? ConnectionsFor(NodeContext context)
        {
            Interlocked.Increment(ref _made);
            return OffersConnections ? throw new NotSupportedException() : null;
        }

        public sealed class BlobWriter : IRunBlobWriter
        {
            public Task<Engine.Storage.BlobReference> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
                throw new NotSupportedException();
        }

        public sealed record ChildRuns(Guid RunId, string NodeId, int Attempt) : IChildRuns
        {
            public Task<int> ResolveVersionAsync(Guid flowId, int? version, CancellationToken cancellationToken) => throw new NotSupportedException();

            public Task<IReadOnlyList<ChildRun>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

            public Task<ChildRun> StartAsync(int index, Guid flowId, int version, JsonNode? input, CancellationToken cancellationToken) =>
                throw new NotSupportedException();

            public Task RestartAsync(ChildRun child, CancellationToken cancellationToken) => throw new NotSupportedException();

            public Task<IReadOnlyList<JsonNode?>> ReadOutputsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        }
    }
}
