using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Runs;

/// <summary>A completion's wait, retry and blob fields, kept apart from the common ones, read and compare as fields of its own.</summary>
public sealed class NodeCompletionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 5, 0, 0, TimeSpan.Zero);

    // One list for every completion here: a record compares its lists by reference.
    private static readonly IReadOnlyList<string> Ports = ["main"];

    private static NodeCompletion Success() => new(Guid.Empty, "a", 2, NodeStatus.Succeeded, "{}", null, Ports, At);

    [Fact]
    public void With_UncommonFields_EachReadsBackOnTheCopyAndNotOnTheOriginal()
    {
        var blob = new BlobReference(Guid.Empty, Guid.CreateVersion7(), 10);
        var original = Success();

        var copy = original with
        {
            WaitUntil = At.AddMinutes(1),
            RetryAt = At.AddMinutes(2),
            ThroughErrorPort = true,
            WaitForSignal = true,
            WaitForChildren = 3,
            OutputBlob = blob,
            OutputBlobContent = new byte[] { 1, 2 },
        };

        Assert.Equal(At.AddMinutes(1), copy.WaitUntil);
        Assert.Equal(At.AddMinutes(2), copy.RetryAt);
        Assert.True(copy.ThroughErrorPort);
        Assert.True(copy.WaitForSignal);
        Assert.Equal(3, copy.WaitForChildren);
        Assert.Same(blob, copy.OutputBlob);
        Assert.Equal(2, copy.OutputBlobContent.Length);
        Assert.Null(original.WaitUntil);
        Assert.Null(original.RetryAt);
        Assert.False(original.ThroughErrorPort);
        Assert.False(original.WaitForSignal);
        Assert.Null(original.WaitForChildren);
        Assert.Null(original.OutputBlob);
        Assert.True(original.OutputBlobContent.IsEmpty);
    }

    [Fact]
    public void With_OneUncommonFieldChanged_KeepsTheOthers()
    {
        var waiting = Success() with { WaitUntil = At.AddMinutes(1), WaitForChildren = 2 };

        var refused = waiting with { WaitUntil = null };

        Assert.Null(refused.WaitUntil);
        Assert.Equal(2, refused.WaitForChildren);
        Assert.Equal(At.AddMinutes(1), waiting.WaitUntil);
    }

    [Fact]
    public void Equals_UncommonFieldSetThenCleared_EqualsTheCompletionThatNeverHadIt()
    {
        var cleared = Success() with { RetryAt = At, ThroughErrorPort = true } with { RetryAt = null, ThroughErrorPort = false };

        Assert.Equal(Success(), cleared);
        Assert.Equal(Success().GetHashCode(), cleared.GetHashCode());
        Assert.NotEqual(Success(), Success() with { RetryAt = At });
        Assert.Equal(Success() with { RetryAt = At }, Success() with { RetryAt = At });
    }

    [Fact]
    public void Constructor_WaitUntilPassedPositionally_ReadsBackAndDeconstructs()
    {
        var waiting = new NodeCompletion(Guid.Empty, "a", 2, NodeStatus.Running, null, null, [], At, At.AddHours(1));

        var (_, _, _, status, _, _, _, _, waitUntil) = waiting;

        Assert.Equal(NodeStatus.Running, status);
        Assert.Equal(At.AddHours(1), waitUntil);
        Assert.Equal(At.AddHours(1), waiting.WaitUntil);
    }
}
