using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using FlowForge.Scaling.Rabbit;
using FlowForge.Scaling.Tests.Compliance;
using FlowForge.Scaling.Tests.Infrastructure;
using RabbitMQ.Client;

namespace FlowForge.Scaling.Tests.Rabbit;

[Collection(ServicesCollection.Name)]
public sealed class RabbitWorkQueueTests(ITestOutputHelper output) : DurableWorkQueueCompliance
{
    private static readonly TimeSpan AfterRestart = TimeSpan.FromSeconds(60);

    private readonly RabbitTestQueue _test = new(TestServices.RabbitMq, output);

    protected override Task<IWorkQueue> OpenQueueAsync() => Task.FromResult<IWorkQueue>(_test.Open());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _test.DeleteAsync();
    }

    // The broker restarts run on a broker of their own: the shared one serves other test projects at the same time.
    [Fact]
    public async Task PublishAsync_BeforeBrokerRestart_MessagesAreConsumedAfterIt()
    {
        await using var broker = await PrivateService.StartAsync("rabbitmq");
        var test = new RabbitTestQueue(broker.ConnectionString, output);
        ConsumerRun? consumer = null;
        try
        {
            var publisher = test.Open();
            var sent = Enumerable.Range(0, 50).Select(Message).ToArray();
            await publisher.PublishAsync(sent, CancellationToken.None);

            await broker.StopAsync();
            await broker.StartAgainAsync();

            var received = new ConcurrentQueue<WorkMessage>();
            consumer = StartConsuming(test.Open(), (m, _) =>
            {
                received.Enqueue(m);
                return Task.CompletedTask;
            });
            await Eventually.TrueAsync(() => received.Count >= sent.Length, "the messages published before the restart", AfterRestart);
            Assert.Equal(sent.OrderBy(m => m.RunId), received.OrderBy(m => m.RunId));
        }
        finally
        {
            await StopConsumingAsync(consumer);
            await test.CloseAsync();
        }
    }

    [Fact]
    public async Task ConsumeAsync_BrokerRestarts_ConsumerResumesAndPublishingRetriesUntilTheBrokerIsBack()
    {
        await using var broker = await PrivateService.StartAsync("rabbitmq");
        var test = new RabbitTestQueue(broker.ConnectionString, output);
        ConsumerRun? consumer = null;
        try
        {
            var queue = test.Open();
            var received = new ConcurrentDictionary<Guid, WorkMessage>();
            consumer = StartConsuming(queue, (m, _) =>
            {
                received.TryAdd(m.RunId, m);
                return Task.CompletedTask;
            });
            var before = Enumerable.Range(0, 5).Select(Message).ToArray();
            await queue.PublishAsync(before, CancellationToken.None);
            await Eventually.TrueAsync(() => received.Count == before.Length, "the messages before the restart");

            await broker.StopAsync();
            await Eventually.TrueAsync(async () => !await queue.IsReadyAsync(CancellationToken.None), "the queue to notice the broker going");
            var after = Enumerable.Range(0, 5).Select(Message).ToArray();
            var publishing = queue.PublishAsync(after, CancellationToken.None);
            await broker.StartAgainAsync();
            await publishing;

            await Eventually.TrueAsync(() => after.All(m => received.ContainsKey(m.RunId)), "the messages published during the restart", AfterRestart);
            await Eventually.TrueAsync(() => queue.IsReadyAsync(CancellationToken.None).AsTask(), "the queue to be ready again", AfterRestart);
        }
        finally
        {
            await StopConsumingAsync(consumer);
            await test.CloseAsync();
        }
    }

    [Fact]
    public async Task ConsumeAsync_HandlerKeepsFailing_MessageReachesTheDeadLetterQueueAfterTheDeliveryLimit()
    {
        const int Limit = 3;
        var queue = _test.Open(o => o.DeliveryLimit = Limit);
        var attempts = 0;
        StartConsuming(queue, (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("poison");
        });
        var poison = Message(1);

        await queue.PublishAsync([poison], CancellationToken.None);

        BasicGetResult? dead = null;
        await Eventually.TrueAsync(async () => (dead = await _test.GetFromDeadLetterQueueAsync()) is not null, "the message in the dead-letter queue");
        Assert.True(WorkMessageCodec.TryDecode(dead!.Body.Span, null, out var deadMessage));
        Assert.Equal(poison, deadMessage);
        // Dead-lettered means off the work queue: the count cannot grow after this.
        Assert.Equal(Limit + 1, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task ConsumeAsync_BodyIsNoWorkMessage_DeadLettersItWithoutCallingTheHandler()
    {
        var queue = _test.Open();
        var handled = 0;
        StartConsuming(queue, (_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        });
        Assert.True(await queue.IsReadyAsync(CancellationToken.None));

        await using (var channel = await _test.AdminChannelAsync())
        {
            await channel.BasicPublishAsync(string.Empty, _test.QueueName, Encoding.UTF8.GetBytes("{\"not\":\"a work message\"}"));
        }

        BasicGetResult? dead = null;
        await Eventually.TrueAsync(async () => (dead = await _test.GetFromDeadLetterQueueAsync()) is not null, "the body in the dead-letter queue");
        Assert.Equal("{\"not\":\"a work message\"}", Encoding.UTF8.GetString(dead!.Body.Span));
        Assert.Equal(0, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task ConsumeAsync_ConnectionKilledWhileHandlerRuns_MessageGoesToAnotherConsumer()
    {
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, new Uri(TestServices.RabbitMq).Port));
        var doomed = _test.Open(o => o.ConnectionString = $"amqp://guest:guest@127.0.0.1:{proxy.Port}/");
        var survivor = _test.Open();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StartConsuming(doomed, async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
        }, parallelism: 1);
        var message = Message(1);
        await survivor.PublishAsync([message], CancellationToken.None);
        await Eventually.WithinAsync(started.Task, "the doomed consumer to take the message");

        var received = ConsumeInto(survivor);
        await Eventually.NeverAsync(() => !received.IsEmpty, "the message at the other consumer while the doomed one holds it", TimeSpan.FromMilliseconds(500));

        proxy.Kill();

        await Eventually.TrueAsync(() => !received.IsEmpty, "the unacknowledged message at the other consumer");
        Assert.Equal(message, Assert.Single(received));
        release.SetResult();
    }

    // Acks go with multiple once every message before them is done: the done messages behind one still running are not
    // acknowledged yet, so a crash hands exactly those and the running one to another consumer, and none acked before.
    [Fact]
    public async Task ConsumeAsync_ConnectionKilledWithDoneMessagesBehindOneRunning_ExactlyTheUnacknowledgedGoToAnotherConsumer()
    {
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, new Uri(TestServices.RabbitMq).Port));
        var doomed = _test.Open(o => o.ConnectionString = $"amqp://guest:guest@127.0.0.1:{proxy.Port}/");
        var survivor = _test.Open();
        var messages = Enumerable.Range(1, 6).Select(Message).ToList();
        var done = new ConcurrentQueue<WorkMessage>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StartConsuming(doomed, async (m, _) =>
        {
            if (m == messages[2])
            {
                await release.Task;
                return;
            }

            done.Enqueue(m);
        }, parallelism: 8);
        await survivor.PublishAsync(messages, CancellationToken.None);
        await Eventually.TrueAsync(() => done.Count == 5, "five of the six messages done by the doomed consumer");

        var received = ConsumeInto(survivor);
        await Eventually.NeverAsync(() => !received.IsEmpty, "a message at the other consumer while the doomed one holds them", TimeSpan.FromMilliseconds(500));

        proxy.Kill();

        var expected = messages[2..].Select(static m => m.NodeId).Order(StringComparer.Ordinal).ToList();
        await Eventually.TrueAsync(() => received.Count >= expected.Count, "the unacknowledged messages at the other consumer");
        await Eventually.NeverAsync(() => received.Count > expected.Count, "a message acknowledged before the crash delivered again", TimeSpan.FromMilliseconds(500));
        Assert.Equal(expected, received.Select(static m => m.NodeId).Order(StringComparer.Ordinal));
        release.SetResult();
    }

    // Quiet: the broker delivers no new work to the process while the work it holds runs to its end and is acknowledged
    // (not handed back: no second delivery); resumed, it takes what waited.
    [Fact]
    public async Task ConsumeAsync_Quiet_TakesNoNewWorkFinishesWhatItHoldsAndTakesItAgainWhenResumed()
    {
        var quiet = new ConsumerQuiet();
        var queue = _test.Open(quiet: quiet);
        var held = Message(1);
        var waiting = Message(2);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<WorkMessage>();
        StartConsuming(queue, async (m, _) =>
        {
            received.Enqueue(m);
            if (m == held)
            {
                started.TrySetResult();
                await release.Task;
            }
        });
        await queue.PublishAsync([held], CancellationToken.None);
        await Eventually.WithinAsync(started.Task, "the first message at the consumer");

        Assert.True(quiet.Set(true));
        Assert.False(quiet.Set(true));
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        await queue.PublishAsync([waiting], CancellationToken.None);
        release.SetResult();
        await Eventually.NeverAsync(() => received.Contains(waiting), "a message delivered to a quiet consumer", TimeSpan.FromSeconds(1));
        Assert.Equal(1, await queue.GetDepthAsync(CancellationToken.None));

        Assert.True(quiet.Set(false));
        await Eventually.TrueAsync(() => received.Contains(waiting), "the waiting message once resumed");
        await Eventually.NeverAsync(() => received.Count > 2, "the message held while quiet delivered again", TimeSpan.FromMilliseconds(500));
        Assert.Equal([held, waiting], received);
        Assert.Equal(0, await queue.GetDepthAsync(CancellationToken.None));
    }

    // Quiet from the start: the process opens its channel and consumes nothing until resumed.
    [Fact]
    public async Task ConsumeAsync_QuietBeforeItStarts_ConsumesOnlyOnceResumed()
    {
        var quiet = new ConsumerQuiet();
        quiet.Set(true);
        var queue = _test.Open(quiet: quiet);
        var received = ConsumeInto(queue);
        var message = Message(1);
        await queue.PublishAsync([message], CancellationToken.None);
        await Eventually.NeverAsync(() => !received.IsEmpty, "a message delivered to a consumer quiet from the start", TimeSpan.FromSeconds(1));

        quiet.Set(false);
        await Eventually.TrueAsync(() => !received.IsEmpty, "the message once resumed");
        Assert.Equal(message, Assert.Single(received));
    }

    [Fact]
    public async Task PublishAsync_ClassicQueueOfThatNameExists_FallsBackToClassicAndWorks()
    {
        await using (var channel = await _test.AdminChannelAsync())
        {
            await channel.ExchangeDeclareAsync(_test.QueueName + ".dlx", ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(_test.QueueName, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = _test.QueueName + ".dlx" });
        }

        var queue = _test.Open();
        var received = ConsumeInto(queue);
        var message = Message(1);
        await queue.PublishAsync([message], CancellationToken.None);

        await Eventually.TrueAsync(() => !received.IsEmpty, "the message on the classic queue");
        Assert.Equal(message, Assert.Single(received));
        Assert.True(queue.UsesClassicQueue);
    }

    [Fact]
    public async Task PublishAsync_WritesPersistentMessagesWithTheTraceParentHeader()
    {
        var queue = _test.Open();
        var message = Message(1) with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        await queue.PublishAsync([message], CancellationToken.None);

        await using var channel = await _test.AdminChannelAsync();
        var got = await channel.BasicGetAsync(_test.QueueName, autoAck: true);
        Assert.NotNull(got);
        Assert.True(got.BasicProperties.Persistent);
        Assert.Equal(WorkMessageCodec.ContentType, got.BasicProperties.ContentType);
        Assert.Equal(message.TraceParent, WorkMessageCodec.ReadHeader(got.BasicProperties.Headers, "traceparent"));
        Assert.True(WorkMessageCodec.TryDecode(got.Body.Span, message.TraceParent, out var decoded));
        Assert.Equal(message, decoded);
        Assert.False(queue.UsesClassicQueue);
    }

    [Fact]
    public async Task PublishAsync_QueueDeletedUnderIt_ThrowsNamingTheQueue()
    {
        var queue = _test.Open();
        await queue.PublishAsync([Message(1)], CancellationToken.None);
        await using (var channel = await _test.AdminChannelAsync())
        {
            await channel.QueueDeleteAsync(_test.QueueName, ifUnused: false, ifEmpty: false);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.PublishAsync([Message(2)], CancellationToken.None).AsTask());

        Assert.Contains(_test.QueueName, error.Message, StringComparison.Ordinal);
        Assert.Contains("unroutable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_BrokerUnreachable_GivesUpAfterThePublishTimeout()
    {
        var queue = _test.Open(o =>
        {
            o.ConnectionString = $"amqp://guest:guest@127.0.0.1:{ClosedPort()}/";
            o.PublishTimeout = TimeSpan.FromSeconds(2);
        });

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.WithinAsync(queue.PublishAsync([Message(1)], CancellationToken.None).AsTask(), "the publish to give up", TimeSpan.FromSeconds(30)));

        Assert.Contains(_test.QueueName, error.Message, StringComparison.Ordinal);
        Assert.False(await queue.IsReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_SeveralShards_EachMessageLandsOnTheQueueOfItsRunsShard()
    {
        var queue = _test.Open(o => o.Shards = 3);
        var sent = Enumerable.Range(0, 30).Select(Message).ToArray();

        await queue.PublishAsync(sent, CancellationToken.None);

        await using var channel = await _test.AdminChannelAsync();
        for (var shard = 0; shard < 3; shard++)
        {
            var expected = sent.Where(m => RunShards.ShardOf(m.RunId, 3) == shard).Select(m => m.RunId).Order().ToArray();
            var found = new List<Guid>();
            for (var i = 0; i < sent.Length && await channel.BasicGetAsync(queue.ShardQueueNames[shard], autoAck: true) is { } got; i++)
            {
                Assert.True(WorkMessageCodec.TryDecode(got.Body.Span, null, out var message));
                found.Add(message.RunId);
            }

            Assert.Equal(expected, found.Order().ToArray());
        }

        Assert.Equal([_test.QueueName, _test.QueueName + ".1", _test.QueueName + ".2"], queue.ShardQueueNames);
    }

    [Fact]
    public async Task ConsumeAsync_SubsetOfShards_ConsumesOnlyTheirQueues()
    {
        var publisher = _test.Open(o => o.Shards = 3);
        var sent = Enumerable.Range(0, 30).Select(Message).ToArray();
        await publisher.PublishAsync(sent, CancellationToken.None);
        var received = new ConcurrentDictionary<Guid, WorkMessage>();
        var worker = _test.Open(o => (o.Shards, o.ConsumeShards) = (3, "2, 0"));

        StartConsuming(worker, (m, _) =>
        {
            received.TryAdd(m.RunId, m);
            return Task.CompletedTask;
        });

        var wanted = sent.Where(m => RunShards.ShardOf(m.RunId, 3) != 1).ToArray();
        await Eventually.TrueAsync(() => received.Count >= wanted.Length, "the messages of shards 0 and 2");
        await using var channel = await _test.AdminChannelAsync();
        Assert.Equal(wanted.Select(m => m.RunId).Order(), received.Keys.Order());
        Assert.Equal([0, 2], worker.ConsumedShards);
        Assert.Equal(0u, await channel.ConsumerCountAsync(_test.QueueName + ".1"));
        Assert.Equal((uint)(sent.Length - wanted.Length), await channel.MessageCountAsync(_test.QueueName + ".1"));
        Assert.Equal(1u, await channel.ConsumerCountAsync(_test.QueueName));
        Assert.Equal(1u, await channel.ConsumerCountAsync(_test.QueueName + ".2"));
    }

    [Fact]
    public async Task ConsumeAsync_SeveralShardsByDefault_ConsumesEveryShardsQueue()
    {
        var queue = _test.Open(o => o.Shards = 3);
        var sent = Enumerable.Range(0, 30).Select(Message).ToArray();
        var received = new ConcurrentDictionary<Guid, WorkMessage>();
        StartConsuming(queue, (m, _) =>
        {
            received.TryAdd(m.RunId, m);
            return Task.CompletedTask;
        });

        await queue.PublishAsync(sent, CancellationToken.None);

        await Eventually.TrueAsync(() => received.Count >= sent.Length, "every shard's messages");
        Assert.Equal(sent.Select(m => m.RunId).Order(), received.Keys.Order());
        Assert.Equal(0, await queue.GetDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetDepthAsync_SeveralShards_CountsEveryShardsQueue()
    {
        var queue = _test.Open(o => o.Shards = 3);
        var sent = Enumerable.Range(0, 12).Select(Message).ToArray();

        await queue.PublishAsync(sent, CancellationToken.None);

        Assert.Equal(sent.Length, await queue.GetDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IsReadyAsync_AfterDispose_ReturnsFalse()
    {
        var queue = _test.Open();
        Assert.True(await queue.IsReadyAsync(CancellationToken.None));

        await queue.DisposeAsync();

        Assert.False(await queue.IsReadyAsync(CancellationToken.None));
    }

    // Consumes in the background into the queue returned, in the order delivered.
    private ConcurrentQueue<WorkMessage> ConsumeInto(IWorkQueue queue)
    {
        var received = new ConcurrentQueue<WorkMessage>();
        StartConsuming(queue, (m, _) =>
        {
            received.Enqueue(m);
            return Task.CompletedTask;
        });
        return received;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
