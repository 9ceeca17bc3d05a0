using FlowForge.Engine.Queueing;

namespace FlowForge.Scaling.Tests.InProcess;

[Collection(QuietThreadPoolCollection.Name)]
public sealed class InProcessWorkQueueWakeUpTests
{
    [Fact]
    public async Task PublishAsync_OneMessageWhileManyConsumersWait_WakesOneConsumerNotAll()
    {
        // The embedded default parallelism: at one client, nearly every consumer is waiting when a message comes.
        const int consumers = 1024;
        const int messages = 40;
        var queue = new InProcessWorkQueue();
        using var stop = new CancellationTokenSource();
        var handled = 0;
        var consuming = queue.ConsumeAsync((_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        }, consumers, stop.Token);
        await queue.PublishAsync([Message()], CancellationToken.None);
        await Eventually.TrueAsync(() => Volatile.Read(ref handled) == 1 && ThreadPool.PendingWorkItemCount == 0, "the consumers to start and wait");

        var before = ThreadPool.CompletedWorkItemCount;
        for (var i = 2; i <= messages + 1; i++)
        {
            await queue.PublishAsync([Message()], CancellationToken.None);
            var expected = i;
            await Eventually.TrueAsync(() => Volatile.Read(ref handled) == expected, $"message {expected} handled");
        }

        var workItems = ThreadPool.CompletedWorkItemCount - before;
        await stop.CancelAsync();
        await Eventually.WithinAsync(consuming, "the consumers to stop");

        // One wake-up per message and a little else; waking every waiting consumer would be about consumers × messages.
        Assert.True(workItems < messages * 50, $"{workItems} thread-pool work items for {messages} messages to {consumers} waiting consumers");
    }

    private static WorkMessage Message() => new(WorkKind.ExecuteNode, Guid.NewGuid(), "node", 1, Guid.NewGuid(), 1);
}
