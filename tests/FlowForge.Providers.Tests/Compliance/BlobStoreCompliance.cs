using System.Text;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>The blob store beside every provider: large outputs written, referenced from their node's row, read back, deleted with their run.</summary>
public abstract class BlobStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private IBlobStore Blobs => Store;

    [Fact]
    public async Task WriteAsync_FiveMegabyteOutput_ReadsBackWhole()
    {
        var runId = Guid.CreateVersion7();
        var content = FiveMegabyteJson();

        var blob = await Blobs.WriteAsync(runId, content, CancellationToken.None);

        Assert.Equal(content.Length, blob.Bytes);
        Assert.Equal(runId, blob.RunId);
        Assert.Equal(content, await Blobs.ReadAsync(blob, CancellationToken.None));
        Assert.Equal(content, Blobs.Read(blob));
    }

    [Fact]
    public async Task ReadAsync_BlobNeverWritten_IsNull()
    {
        var missing = new BlobReference(Guid.CreateVersion7(), Guid.CreateVersion7(), 10);

        Assert.Null(await Blobs.ReadAsync(missing, CancellationToken.None));
        Assert.Null(Blobs.Read(missing));
    }

    [Fact]
    public async Task CompleteNodeAsync_OutputBlob_RowHoldsTheReferenceAndChildrenClaimIt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);
        var blob = await Blobs.WriteAsync(creation.RunId, FiveMegabyteJson(), CancellationToken.None);

        var completion = new NodeCompletion(a.RunId, a.NodeId, a.Version, NodeStatus.Succeeded, null, null, [TestPlans.Main], T0) { OutputBlob = blob };
        var result = await ((IRunStore)Store).CompleteNodeAsync(completion, plan, CancellationToken.None);
        var b = await ClaimAsync(MessageTo(result, "b"), plan);

        var node = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.Null(node.OutputJson);
        Assert.Equal(blob, node.OutputBlob);
        Assert.Equal(blob, b.BlobOutputs["a"]);
        Assert.False(b.DependencyOutputs.ContainsKey("a"));
    }

    [Fact]
    public async Task DeleteRunAsync_FinishedRun_RemovesItsRowsAndThenItsBlobsOnly()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var other = await CreateRunAsync(plan);
        var blob = await Blobs.WriteAsync(creation.RunId, Encoding.UTF8.GetBytes("""{"big":true}"""), CancellationToken.None);
        var kept = await Blobs.WriteAsync(other.RunId, Encoding.UTF8.GetBytes("""{"kept":true}"""), CancellationToken.None);
        var running = await ((IRunStore)Store).DeleteRunAsync(creation.RunId, Owner, CancellationToken.None);
        await ((IRunStore)Store).CancelRunAsync(creation.RunId, Owner, T0, CancellationToken.None);

        var strangers = await ((IRunStore)Store).DeleteRunAsync(creation.RunId, Guid.NewGuid(), CancellationToken.None);
        var deleted = await ((IRunStore)Store).DeleteRunAsync(creation.RunId, Owner, CancellationToken.None);
        await Blobs.DeleteRunBlobsAsync(creation.RunId, CancellationToken.None);

        Assert.Equal(RunDeletion.NotFinished, running);
        Assert.Equal(RunDeletion.NotFound, strangers);
        Assert.Equal(RunDeletion.Deleted, deleted);
        Assert.Null(await ((IRunQueries)Store).GetRunAsync(creation.RunId, null, CancellationToken.None));
        Assert.Null(await Blobs.ReadAsync(blob, CancellationToken.None));
        Assert.NotNull(await Blobs.ReadAsync(kept, CancellationToken.None));
        Assert.NotNull(await ((IRunQueries)Store).GetRunAsync(other.RunId, null, CancellationToken.None));
        Assert.Equal(RunDeletion.NotFound, await ((IRunStore)Store).DeleteRunAsync(creation.RunId, Owner, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteRunBlobsAsync_RunWithoutBlobs_DoesNothing()
    {
        var exception = await Record.ExceptionAsync(() => Blobs.DeleteRunBlobsAsync(Guid.CreateVersion7(), CancellationToken.None));

        Assert.Null(exception);
    }

    private static byte[] FiveMegabyteJson()
    {
        // Every byte value a JSON string may carry, so a store that changed bytes on the way would be seen.
        var text = new StringBuilder("{\"s\":\"");
        var random = new Random(7);
        while (text.Length < 5 * 1024 * 1024)
        {
            text.Append((char)random.Next('a', 'z' + 1)).Append('é').Append('✓');
        }

        return Encoding.UTF8.GetBytes(text.Append("\"}").ToString());
    }
}
