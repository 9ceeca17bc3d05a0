using FlowForge.Engine.Queueing;
using FlowForge.Testing;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Queueing;

[Collection(AllocationCollection.Name)]
public sealed class InProcessWorkQueueCostTests
{
    private const int Consumers = 1024;
    private const int Clients = 32;
    private const int RoundsPerClient = 100;

    [Fact]
    public async Task ConsumeAsync_ManyClientsAndIdleConsumers_AllocatesLittlePerMessage()
    {
        var queue = new InProcessWorkQueue();
        using var stop = new CancellationTokenSource();
        var consuming = queue.ConsumeAsync(async (message, _) =>
        {
            // A handler that awaits, like a node's claim and completion do.
            await Task.Yield();
            Pending[message.NodeId].TrySetResult();
        }, Consumers, stop.Token);

        // Warm-up: the consumers park on the empty queue and the paths are compiled.
        await SendAsync(queue, 10);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var sent = await SendAsync(queue, RoundsPerClient);
        var perMessage = (GC.GetTotalAllocatedBytes(precise: true) - before) / sent;

        await stop.CancelAsync();
        await consuming.WaitAsync(TimeSpan.FromSeconds(30));

        // A message is handed to one waiting consumer: about 830 bytes a message here, the test's own tasks included.
        // Waking the idle consumers to race for each message cost about 2,180 (a new wait for each one that lost).
        Assert.InRange(perMessage, 0, 1_400);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Pending = new();

    private static async Task<int> SendAsync(InProcessWorkQueue queue, int rounds)
    {
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                // Two messages at once, like the two branches of a diamond.
                var first = Register($"{c}-{round}-a");
                var second = Register($"{c}-{round}-b");
                await queue.PublishAsync([Message($"{c}-{round}-a"), Message($"{c}-{round}-b")], CancellationToken.None);
                await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
            }
        }));
        await Task.WhenAll(clients);
        return Clients * rounds * 2;
    }

    private static Task Register(string nodeId)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pending[nodeId] = done;
        return done.Task;
    }

    private static WorkMessage Message(string nodeId) => new(WorkKind.ExecuteNode, Guid.NewGuid(), nodeId, 1, Guid.NewGuid(), 1, "t");
}
