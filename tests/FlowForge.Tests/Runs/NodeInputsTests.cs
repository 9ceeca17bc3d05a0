using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Expressions;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Runs;

public sealed class NodeInputsTests
{
    [Fact]
    public void From_JoinOfFiveHundredOneMegabyteParents_SharesOutputsInsteadOfCopying()
    {
        const int Parents = 500;
        var megabyte = StoredJson.Parse(JsonSerializer.Serialize(new { s = new string('x', 1024 * 1024) }));
        var parents = Enumerable.Range(0, Parents).Select(i => $"p{i}").ToList();
        var outputs = parents.ToDictionary(p => p, _ => megabyte, StringComparer.Ordinal);
        var join = new PlanNode("join", "core.set", null, false, parents, [], parents);
        var claim = new ClaimedNode(Guid.NewGuid(), "join", 1, 1, StoredJson.Parse("{}"), outputs, null, false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var inputs = NodeInputs.From(join, claim);
        var keyed = inputs.Input!.AsObject();
        var seen = keyed.Count(p => p.Value is JsonObject);
        var read = ExpressionResolver.ResolveTemplates(JsonValue.Create("{{ nodes.p499.output.s }}"), new ExpressionScope(inputs.RunInput, inputs.Upstream), "config.s");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Parents, seen);
        Assert.Equal(1024 * 1024, read!.GetValue<string>().Length);
        // 500 copies would be over 500 MB; reading one value out as text costs a few MB.
        Assert.True(allocated < 32L * 1024 * 1024, $"building the join's input allocated {allocated:N0} bytes");
    }

    [Fact]
    public void From_NodeThatReadsOnlyItsInput_MakesNoViewOfEachUpstreamOutput()
    {
        // A node that reads its input alone (most do) paid a view of every dependency's output and two dictionaries as
        // its inputs were built: 2,024 bytes here; its input and the one upstream output read now cost 1,200.
        const int Parents = 8;
        var parents = Enumerable.Range(0, Parents).Select(i => $"p{i}").ToList();
        var outputs = parents.ToDictionary(p => p, p => StoredJson.Parse($$"""{"from":"{{p}}"}"""), StringComparer.Ordinal);
        var node = new PlanNode("next", "core.noop", null, false, ["p0"], [], parents);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("{}"), outputs, null, false);
        long Build()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            using var inputs = NodeInputs.From(node, claim);
            Assert.Equal("p0", (string?)inputs.Input!["from"]);
            Assert.Same(inputs.Upstream["p7"], inputs.Upstream["p7"]);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Build();
        var allocated = Build();

        Assert.True(allocated < 1_600, $"building the node's inputs allocated {allocated:N0} bytes");
    }

    [Fact]
    public void From_JoinInput_ChangingItLeavesUpstreamUntouched()
    {
        var output = StoredJson.Parse("""{"n":1}""");
        var join = new PlanNode("join", "core.noop", null, false, ["a", "b"], [], ["a", "b"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "join", 1, 1, StoredJson.Parse("{}"), new Dictionary<string, JsonElement?> { ["a"] = output, ["b"] = output }, null, false);

        var inputs = NodeInputs.From(join, claim);
        inputs.Input!["a"]!["n"] = 2;

        Assert.Equal("""{"a":{"n":2},"b":{"n":1}}""", inputs.Input.ToJsonString());
        Assert.Equal("""{"n":1}""", inputs.Upstream["a"]!.ToJsonString());
    }

    [Fact]
    public void From_NullOutput_IsNullInInputAndUpstream()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("""{"x":1}"""), new Dictionary<string, JsonElement?> { ["a"] = null }, null, false);

        var inputs = NodeInputs.From(node, claim);

        Assert.Null(inputs.Input);
        Assert.Null(inputs.Upstream["a"]);
        Assert.Equal("""{"x":1}""", inputs.RunInput!.ToJsonString());
    }

    [Fact]
    public void From_JoinOfFiveHundredOneMegabyteBlobs_ReadsOnlyTheOneAnExpressionUses()
    {
        const int Parents = 500;
        var blobs = new CountingBlobStore();
        var runId = Guid.NewGuid();
        var megabyte = blobs.Add(runId, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { n = 7, s = new string('x', 1024 * 1024) })));
        var parents = Enumerable.Range(0, Parents).Select(i => $"p{i}").ToList();
        var references = parents.ToDictionary(p => p, p => blobs.Add(runId, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { n = p, s = new string('y', 1024 * 1024) }))), StringComparer.Ordinal);
        references["p0"] = megabyte;
        var join = new PlanNode("join", "core.set", null, false, parents, [], parents);
        var claim = new ClaimedNode(runId, "join", 1, 1, StoredJson.Parse("{}"), new Dictionary<string, JsonElement?>(), null, false) { BlobOutputs = references };
        var reads = new BlobReads(blobs);

        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var inputs = NodeInputs.From(join, claim, reads))
        {
            var read = ExpressionResolver.ResolveTemplates(JsonValue.Create("{{ nodes.p0.output.n }}"), new ExpressionScope(inputs.RunInput, inputs.Upstream), "config.n");
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(7, read!.GetValue<int>());
            Assert.Equal(1, blobs.Reads);
            Assert.Equal(1, reads.Held);
            // Reading all 500 would allocate over 500 MB; reading the one used costs its megabyte.
            Assert.True(allocated < 4L * 1024 * 1024, $"reading one value of the join allocated {allocated:N0} bytes");
        }

        Assert.Equal(0, reads.Held);
    }

    [Fact]
    public void From_TwoExecutionsReadingOneBlobAtOnce_ReadItOnceAndEachGetsItsOwnView()
    {
        var blobs = new CountingBlobStore();
        var runId = Guid.NewGuid();
        var shared = blobs.Add(runId, Encoding.UTF8.GetBytes("""{"n":1}"""));
        var node = new PlanNode("child", "core.noop", null, false, ["big"], [], ["big"]);
        var claim = new ClaimedNode(runId, "child", 1, 1, null, new Dictionary<string, JsonElement?>(), null, false)
        {
            BlobOutputs = new Dictionary<string, BlobReference> { ["big"] = shared },
        };
        var reads = new BlobReads(blobs);

        using var first = NodeInputs.From(node, claim, reads);
        using var second = NodeInputs.From(node, claim, reads);
        first.Input!["n"] = 2;

        Assert.Equal("""{"n":1}""", second.Input!.ToJsonString());
        Assert.Equal("""{"n":1}""", first.Upstream["big"]!.ToJsonString());
        Assert.Equal(1, blobs.Reads);
    }

    [Fact]
    public void Input_BlobMissing_ThrowsNamingTheNodeWhoseOutputIsGone()
    {
        var runId = Guid.NewGuid();
        var node = new PlanNode("child", "core.noop", null, false, ["big"], [], ["big"]);
        var claim = new ClaimedNode(runId, "child", 1, 1, null, new Dictionary<string, JsonElement?>(), null, false)
        {
            BlobOutputs = new Dictionary<string, BlobReference> { ["big"] = new(runId, Guid.NewGuid(), 70_000) },
        };
        var reads = new BlobReads(new CountingBlobStore());

        using var inputs = NodeInputs.From(node, claim, reads);
        var exception = Assert.Throws<BlobMissingException>(() => inputs.Input);

        Assert.Contains("node 'big'", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, reads.Held);
    }

    [Fact]
    public void From_OneParentThatReachedIt_FinishedParentsIsThePlansOwnList()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, null, new Dictionary<string, JsonElement?> { ["a"] = null }, null, false)
        {
            DependencyFinishedAt = new Dictionary<string, DateTimeOffset> { ["a"] = DateTimeOffset.UnixEpoch },
        };

        using var inputs = NodeInputs.From(node, claim);

        Assert.Same(node.Parents, inputs.FinishedParents);
    }

    [Fact]
    public void From_OneParent_BuildsItsInputWithoutALazyAClosureOrASecondObject()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("{}"), new Dictionary<string, JsonElement?> { ["a"] = StoredJson.Parse("""{"n":1}""") }, null, false)
        {
            DependencyFinishedAt = new Dictionary<string, DateTimeOffset> { ["a"] = DateTimeOffset.UnixEpoch },
        };
        long Build()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            using var inputs = NodeInputs.From(node, claim);
            Assert.IsType<JsonObject>(inputs.Input);
            Assert.Same(inputs.Input, inputs.Input);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Build();
        var allocated = Build();

        // 568 bytes with a lazy input (a Lazy, its helper, a delegate and its closure), an upstream object beside the
        // inputs and a list of finished parents of the execution's own; 264 without them (the two views and the inputs).
        Assert.True(allocated <= 320, $"building the node's inputs allocated {allocated:N0} bytes");
    }

    [Fact]
    public void RunInput_ReadTwice_IsOneViewOfTheClaimsRunInput()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("""{"n":7}"""), new Dictionary<string, JsonElement?>(), null, false);
        using var inputs = NodeInputs.From(node, claim);

        var first = inputs.RunInput;

        Assert.Equal(7, (int)first!["n"]!);
        Assert.Same(first, inputs.RunInput);
        Assert.NotSame(first, inputs.Input);
    }

    [Fact]
    public void RunInput_ClaimWithoutOne_IsNullOnEveryRead()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, null, new Dictionary<string, JsonElement?>(), null, false);
        using var inputs = NodeInputs.From(node, claim);

        Assert.Null(inputs.RunInput);
        Assert.Null(inputs.RunInput);
        Assert.Null(inputs.Input);
        Assert.Null(inputs.Input);
    }

    [Fact]
    public async Task Input_ReadFromManyThreadsAtOnce_IsOneNodeForEveryReader()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("{}"), new Dictionary<string, JsonElement?> { ["a"] = StoredJson.Parse("""{"n":1}""") }, null, false);
        for (var round = 0; round < 50; round++)
        {
            using var inputs = NodeInputs.From(node, claim);
            using var start = new ManualResetEventSlim();
            var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.Wait();
                return (inputs.Input, inputs.RunInput);
            })).ToArray();
            start.Set();
            var seen = await Task.WhenAll(readers);

            Assert.All(seen, s => Assert.Same(seen[0].Input, s.Input));
            Assert.All(seen, s => Assert.Same(seen[0].RunInput, s.RunInput));
            Assert.Same(seen[0].Input, inputs.Input);
        }
    }

    [Fact]
    public void From_NodeThatReadsOnlyItsInput_MakesNoViewOfTheRunInput()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("""{"big":[1,2,3]}"""), new Dictionary<string, JsonElement?> { ["a"] = StoredJson.Parse("""{"n":1}""") }, null, false);
        long Build(bool readRunInput)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            using var inputs = NodeInputs.From(node, claim);
            Assert.IsType<JsonObject>(inputs.Input);
            if (readRunInput)
            {
                Assert.IsType<JsonObject>(inputs.RunInput);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Build(true);
        Build(false);

        // The run input's view is made by the first read of it: a node that reads only its input pays none.
        Assert.True(Build(false) < Build(true));
    }
}
