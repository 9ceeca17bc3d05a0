using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Runs;

public sealed class OutboxDispatcherTests
{
    [Fact]
    public async Task DispatchInBackground_QueueHangs_ReturnsAtOnceAndPublishesWhenTheQueueAnswers()
    {
        var queue = new GatedQueue();
        var outbox = new RecordingOutbox();
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        var call = Task.Run(() => dispatcher.DispatchInBackground([Message(1)], "00-trace"));

        await Eventually.WithinAsync(call, "DispatchInBackground to return while the queue hangs", TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => queue.Attempts == 1, "the publish to start");
        Assert.Empty(outbox.Acknowledged);

        queue.Open();
        await Eventually.TrueAsync(() => outbox.Acknowledged.Contains(1), "the message to leave the outbox once published");
        Assert.Equal("00-trace", Assert.Single(queue.Published).TraceParent);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task DispatchInBackground_LimitReached_RelaysTheDeferredRowsOnceAPublishEnds()
    {
        // Regression: the deferred rows waited for the sweep (Engine:SweepInterval, 30 s), and runs were held that long
        // while the broker merely confirmed slower than the api accepted.
        var queue = new GatedQueue();
        var outbox = new RecordingOutbox { Pending = [.. Enumerable.Range(1, 5).Select(id => Message(id))] };
        var settings = new EngineOptions { MaxBackgroundPublishes = 2 };
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(settings), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        foreach (var row in outbox.Pending)
        {
            dispatcher.DispatchInBackground([row], null);
        }

        await Eventually.TrueAsync(() => queue.Attempts >= 1, "the publish to wait on the queue");
        Assert.Empty(queue.Published);
        queue.Open();

        // Rows 3 to 5 were left in the outbox (two calls already waited); no sweep runs, the dispatcher relays them itself.
        await Eventually.TrueAsync(() => outbox.Acknowledged.Count == 5, "every row to be published and acknowledged");
        Assert.Equal(outbox.Pending.Select(r => r.Message).Order(ByNodeVersion), queue.Published.Order(ByNodeVersion));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, outbox.Acknowledged.Order());
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RelayPendingAsync_RowWrittenSinceThePreviousPass_IsLeftToItsWriterUntilTheNextPass()
    {
        // Regression: every process' sweep published the rows another process was publishing at that moment, and each
        // duplicate ended in a claim conflict (0.03 per run with two workers).
        var queue = new GatedQueue();
        queue.Open();
        var outbox = new RecordingOutbox { Pending = [Message(1)] };
        // Not started: the acknowledgements wait and the rows stay in the outbox, as a slow outbox or another process' rows do.
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);

        await dispatcher.RelayPendingAsync(CancellationToken.None);
        Assert.Equal([outbox.Pending[0].Message], queue.Published);

        // Row 2 appears after the first pass: the next pass leaves it (its writer may be publishing it), the one after relays it.
        outbox.Pending = [.. outbox.Pending, Message(2)];
        await dispatcher.RelayPendingAsync(CancellationToken.None);
        Assert.Single(queue.Published);

        await dispatcher.RelayPendingAsync(CancellationToken.None);
        Assert.Equal([outbox.Pending[0].Message, outbox.Pending[1].Message], queue.Published);
    }

    [Fact]
    public async Task RelayAllPendingAsync_AfterATakeover_RelaysRowsWrittenSinceThePreviousPass()
    {
        var queue = new GatedQueue();
        queue.Open();
        var outbox = new RecordingOutbox { Pending = [Message(1)] };
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);

        await dispatcher.RelayPendingAsync(CancellationToken.None);
        outbox.Pending = [.. outbox.Pending, Message(2)];
        await dispatcher.RelayAllPendingAsync(CancellationToken.None);

        Assert.Equal([outbox.Pending[0].Message, outbox.Pending[1].Message], queue.Published);
    }

    [Fact]
    public async Task DispatchInBackground_MoreDeferredThanAreKeptWhole_ReadsTheRestBackFromTheOutboxWithoutASweep()
    {
        // Regression: past 16,384 deferred messages the rest waited for the sweep, which relayed about 1,000 rows a pass
        // (runs finished up to 111 s after they were created with two workers on PostgreSQL).
        var queue = new GatedQueue();
        var whole = Enumerable.Range(1, OutboxDispatcher.MaxDeferred).Select(id => Message(id)).ToList();
        var past = Enumerable.Range(OutboxDispatcher.MaxDeferred + 1, 5).Select(id => Message(id)).ToList();
        var outbox = new RecordingOutbox { Pending = [Message(100_000), .. whole, .. past] };
        var settings = new EngineOptions { MaxBackgroundPublishes = 1 };
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(settings), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        dispatcher.DispatchInBackground([outbox.Pending[0]], null);
        await Eventually.TrueAsync(() => queue.Attempts == 1, "the publish to wait on the queue");
        dispatcher.DispatchInBackground(whole, "00-whole");
        dispatcher.DispatchInBackground(past[..2], "00-past");
        dispatcher.DispatchInBackground(past[2..], null);

        // The third row past the limit was relayed by a sweep meanwhile and removed: it is neither read nor published again.
        outbox.Pending = [.. outbox.Pending.Where(m => m.OutboxId != past[2].OutboxId)];
        queue.Open();

        var expected = outbox.Pending.Count;
        await Eventually.TrueAsync(() => outbox.Acknowledged.Count == expected, "every row left to be published and acknowledged");
        Assert.Equal(outbox.Pending.Select(r => r.Message).Order(ByNodeVersion), queue.Published.Select(m => m with { TraceParent = null }).Order(ByNodeVersion));
        Assert.Equal(outbox.Pending.Select(r => r.OutboxId).Order(), outbox.Acknowledged.Order());
        Assert.Equal(OutboxDispatcher.MaxDeferred, queue.Published.Count(m => m.TraceParent == "00-whole"));
        Assert.Equal(5, outbox.ReadBack.Sum());
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RelayPendingAsync_OutboxOfSeveralPages_RelaysThemAllInOnePass()
    {
        // Regression: the second page was read while the first one's rows were still being removed, showed the same rows,
        // and the pass ended: after a broker outage the outbox drained 1,000 rows per sweep interval.
        var queue = new GatedQueue();
        queue.Open();
        var outbox = new RecordingOutbox { Pending = [.. Enumerable.Range(1, 2_500).Select(id => Message(id))], RemovesAfter = TimeSpan.FromMilliseconds(20) };
        var rows = outbox.Pending;
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        await dispatcher.RelayPendingAsync(CancellationToken.None);

        Assert.Equal(rows.Select(r => r.Message), queue.Published);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RelayPendingAsync_APageOfRowsBeingRemovedAheadOfRowsLeftBehind_RelaysTheRowsBehindIt()
    {
        var queue = new GatedQueue();
        queue.Open();
        var outbox = new RecordingOutbox { Pending = [.. Enumerable.Range(1, 1_500).Select(id => Message(id))], RemovesAfter = TimeSpan.FromMilliseconds(50) };
        var rows = outbox.Pending;
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        // The oldest thousand were just published by the hot path and are being removed; the rest were left behind.
        await dispatcher.DispatchAsync([.. rows.Take(1_000)], CancellationToken.None);
        await dispatcher.RelayAllPendingAsync(CancellationToken.None);

        Assert.Equal(rows.Select(r => r.Message), queue.Published);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    private static readonly Comparer<WorkMessage> ByNodeVersion = Comparer<WorkMessage>.Create((a, b) => a.Version.CompareTo(b.Version));

    [Fact]
    public async Task DispatchInBackground_CallsWhilePublishesWait_GoToTheQueueInOnePublish()
    {
        var queue = new GatedQueue();
        var outbox = new RecordingOutbox();
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        // As many publishes as may wait on the queue at once, each started before the next call.
        for (var id = 1; id <= OutboxDispatcher.BackgroundPublishesInFlight; id++)
        {
            dispatcher.DispatchInBackground([Message(id)], null);
            var started = id;
            await Eventually.TrueAsync(() => queue.Attempts == started, $"publish {started} to wait on the queue");
        }

        // Twelve more calls while those wait (one with a trace of its own): they go together once one of the four ends.
        for (var id = 11; id <= 22; id++)
        {
            dispatcher.DispatchInBackground([Message(id)], id == 15 ? "00-fifteen" : null);
        }

        queue.Open();
        await Eventually.TrueAsync(() => outbox.Acknowledged.Count == 16, "every message to be published and acknowledged");
        Assert.Equal(OutboxDispatcher.BackgroundPublishesInFlight + 1, queue.Attempts);
        Assert.Equal("00-fifteen", Assert.Single(queue.Published, m => m.TraceParent is not null).TraceParent);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task DispatchInBackground_InProcessQueue_PublishesBeforeReturningAndAcknowledgesOnlyStoredRows()
    {
        var queue = new InProcessWorkQueue();
        var outbox = new RecordingOutbox();
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        dispatcher.DispatchInBackground([Message(OutboxMessage.NotStored), Message(5)], null);

        // On the caller's thread: nothing waits in the thread pool, so nothing can be left behind for the sweep.
        Assert.Equal(2, queue.Count);
        await Eventually.TrueAsync(() => outbox.Acknowledged.Contains(5), "the stored message to leave the outbox");
        Assert.DoesNotContain(OutboxMessage.NotStored, outbox.Acknowledged);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RelayPendingAsync_RowsAlreadyHandedOver_AreNotPublishedAgain()
    {
        var queue = new GatedQueue();
        queue.Open();
        var outbox = new RecordingOutbox { Pending = [Message(1), Message(2)] };
        // Not started: the acknowledgements wait, as they do while the outbox is slow, and the rows stay in it.
        using var dispatcher = new OutboxDispatcher(queue, outbox, Options.Create(new EngineOptions()), NullLogger<OutboxDispatcher>.Instance);

        await dispatcher.DispatchAsync([outbox.Pending[0]], CancellationToken.None);
        await dispatcher.RelayPendingAsync(CancellationToken.None);
        await dispatcher.RelayPendingAsync(CancellationToken.None);

        Assert.Equal([outbox.Pending[0].Message, outbox.Pending[1].Message], queue.Published);
    }

    private static OutboxMessage Message(long id) =>
        new(id, new WorkMessage(WorkKind.ExecuteNode, Guid.NewGuid(), "node", id, Guid.NewGuid(), 1));

    private sealed class GatedQueue : IWorkQueue
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<WorkMessage> _published = [];
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public IReadOnlyList<WorkMessage> Published
        {
            get
            {
                lock (_gate)
                {
                    return [.. _published];
                }
            }
        }

        public void Open() => _open.TrySetResult();

        public async ValueTask PublishAsync(IReadOnlyList<WorkMessage> messages, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            await _open.Task.WaitAsync(cancellationToken);
            lock (_gate)
            {
                _published.AddRange(messages);
            }
        }

        public Task ConsumeAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);
    }

    private sealed class RecordingOutbox : IOutboxStore
    {
        private readonly Lock _gate = new();
        private readonly List<long> _acknowledged = [];

        public IReadOnlyList<long> Acknowledged
        {
            get
            {
                lock (_gate)
                {
                    return [.. _acknowledged];
                }
            }
        }

        private IReadOnlyList<OutboxMessage> _pending = [];

        public IReadOnlyList<OutboxMessage> Pending
        {
            get => Volatile.Read(ref _pending);
            set => Volatile.Write(ref _pending, value);
        }

        /// <summary>When set, an acknowledgement takes this long and then removes its rows from <see cref="Pending"/>, as a store does.</summary>
        public TimeSpan? RemovesAfter { get; init; }

        public Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<OutboxMessage>>([.. Pending.Take(limit)]);

        public Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _readBack.Add(outboxIds.Count);
            }

            return Task.FromResult<IReadOnlyList<OutboxMessage>>([.. Pending.Where(m => outboxIds.Contains(m.OutboxId))]);
        }

        private readonly List<int> _readBack = [];

        /// <summary>The number of ids of each read of rows by id.</summary>
        public IReadOnlyList<int> ReadBack
        {
            get
            {
                lock (_gate)
                {
                    return [.. _readBack];
                }
            }
        }

        public Task<int> CountPendingAsync(int cap, CancellationToken cancellationToken) => Task.FromResult(Math.Min(cap, Pending.Count));

        public async Task AcknowledgeAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
        {
            if (RemovesAfter is { } delay)
            {
                await Task.Delay(delay, cancellationToken);
                var removed = outboxIds.ToHashSet();
                Pending = [.. Pending.Where(m => !removed.Contains(m.OutboxId))];
            }

            lock (_gate)
            {
                _acknowledged.AddRange(outboxIds);
            }
        }
    }
}
