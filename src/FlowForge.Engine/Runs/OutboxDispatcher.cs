using System.Collections.Concurrent;
using System.Threading.Channels;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Hands messages committed to the outbox to the work queue right after their transaction commits,
/// then removes them from the outbox in batches. A message whose publish fails stays in the outbox and is
/// relayed by the recovery sweep; the claim makes the occasional duplicate harmless.
/// </summary>
public sealed partial class OutboxDispatcher(IWorkQueue queue, IOutboxStore outbox, IOptions<EngineOptions> options, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private const int MaxAckBatch = 4_096;

    private const int RelayPage = 1_000;

    private const int RelayPages = 20;

    private readonly Channel<long> _acks = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private int _background;

    /// <summary>
    /// Publishes committed messages without making the caller wait for the queue (a broker that is down would hold
    /// it for the whole publish timeout). At most <see cref="EngineOptions.MaxBackgroundPublishes"/> calls wait at once;
    /// past that the messages stay in the outbox for the sweep. The calls that arrive while
    /// <see cref="BackgroundPublishesInFlight"/> publishes wait on the queue go to it together, in one publish: one
    /// call of the queue (one deadline, one wait for the broker's confirms) for the runs of many requests.
    /// </summary>
    public void DispatchInBackground(IReadOnlyList<OutboxMessage> messages, string? traceParent)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (queue is InProcessWorkQueue)
        {
            // An in-memory channel never waits: publishing here costs less than handing it to the thread pool.
            var published = DispatchAsync(messages, traceParent, _stopping.Token);
            if (published.IsCompletedSuccessfully)
            {
                return;
            }

            _ = ObserveAsync(published);
            return;
        }

        if (Interlocked.Increment(ref _background) > options.Value.MaxBackgroundPublishes)
        {
            Interlocked.Decrement(ref _background);
            Defer(messages, traceParent);
            return;
        }

        _waiting.Writer.TryWrite((messages, traceParent));
        if (Volatile.Read(ref _publishing) == 0 && Interlocked.CompareExchange(ref _publishing, 1, 0) == 0)
        {
            _ = Task.Run(PublishWaitingAsync);
        }
    }

    /// <summary>Background publishes that wait on the queue at once; the calls that arrive meanwhile wait to go together.</summary>
    internal const int BackgroundPublishesInFlight = 4;

    // Messages of one background publish at most: a larger backlog goes in several.
    private const int MaxBackgroundBatch = 1_024;

    private readonly Channel<(IReadOnlyList<OutboxMessage> Messages, string? TraceParent)> _waiting =
        Channel.CreateUnbounded<(IReadOnlyList<OutboxMessage>, string?)>(new UnboundedChannelOptions { SingleReader = true });

    // Not disposed: a publish that ends after the dispatcher was disposed still releases it (it holds no wait handle).
    private readonly SemaphoreSlim _inFlight = new(BackgroundPublishesInFlight, BackgroundPublishesInFlight);
    private int _publishing;

    /// <summary>Takes what waits, up to <see cref="MaxBackgroundBatch"/> messages, into one publish, once fewer than <see cref="BackgroundPublishesInFlight"/> wait on the queue.</summary>
    private async Task PublishWaitingAsync()
    {
        var reader = _waiting.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                await _inFlight.WaitAsync(_stopping.Token).ConfigureAwait(false);
                var batch = new List<OutboxMessage>();
                var calls = 0;
                while (batch.Count < MaxBackgroundBatch && reader.TryRead(out var call))
                {
                    calls++;
                    foreach (var message in call.Messages)
                    {
                        batch.Add(call.TraceParent is null ? message : message with { Message = message.Message with { TraceParent = call.TraceParent } });
                    }
                }

                _ = PublishBatchAsync(batch, calls);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what waits stays in the outbox for the next start.
        }
    }

    private async Task PublishBatchAsync(List<OutboxMessage> batch, int calls)
    {
        try
        {
            await DispatchAsync(batch, null, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the messages stay in the outbox for the next start.
        }
        finally
        {
            Interlocked.Add(ref _background, -calls);
            _inFlight.Release();
        }

        if (!_deferred.IsEmpty)
        {
            _ = CatchUpAsync();
        }
    }

    /// <summary>
    /// Deferred messages kept whole at most (a few seconds of the fastest api's runs, a few MB). Past it only their outbox
    /// ids are kept, up to <see cref="MaxDeferredIds"/>, and the catch-up reads those rows back from the outbox.
    /// </summary>
    internal const int MaxDeferred = 16_384;

    /// <summary>
    /// Deferred messages kept as their outbox id alone at most (16 bytes each, 16 MB): minutes of the fastest api's runs.
    /// Past it a deferred message waits in the outbox for the sweep (two passes, see <see cref="RelayPendingAsync"/>),
    /// as when the broker is down.
    /// </summary>
    internal const int MaxDeferredIds = 1_048_576;

    // Messages this process left in the outbox because its background publishes were full, oldest first: whole, or past
    // MaxDeferred as their outbox id alone. It knows nobody publishes them, so it publishes them itself as soon as a
    // background publish has ended, instead of leaving them to a sweep up to Engine:SweepInterval later (runs held for
    // tens of seconds while the broker merely confirmed slower than the api, and an outbox of tens of thousands of rows
    // relayed a page per pass).
    private readonly ConcurrentQueue<Deferred> _deferred = new();
    private int _deferredCount;
    private int _deferredIdCount;
    private int _catchingUp;

    /// <summary>A deferred message: <see cref="Message"/> when kept whole, otherwise only the id of its outbox row.</summary>
    private readonly record struct Deferred(long OutboxId, OutboxMessage? Message);

    private void Defer(IReadOnlyList<OutboxMessage> messages, string? traceParent)
    {
        EngineTelemetry.OutboxDeferred.Add(messages.Count);
        if (Interlocked.Add(ref _deferredCount, messages.Count) <= MaxDeferred)
        {
            foreach (var message in messages)
            {
                var kept = traceParent is null ? message : message with { Message = message.Message with { TraceParent = traceParent } };
                _deferred.Enqueue(new Deferred(message.OutboxId, kept));
            }
        }
        else
        {
            Interlocked.Add(ref _deferredCount, -messages.Count);
            if (!DeferIds(messages))
            {
                return;
            }
        }

        if (Volatile.Read(ref _background) < options.Value.MaxBackgroundPublishes)
        {
            // The publishes that were full ended while these were deferred: nothing else would start the catch-up.
            _ = CatchUpAsync();
        }
    }

    /// <summary>
    /// Keeps the ids of messages past <see cref="MaxDeferred"/> (their rows hold the rest); false past <see cref="MaxDeferredIds"/>.
    /// Only the in-process queue has messages without a row, and it never defers.
    /// </summary>
    private bool DeferIds(IReadOnlyList<OutboxMessage> messages)
    {
        if (Interlocked.Add(ref _deferredIdCount, messages.Count) > MaxDeferredIds)
        {
            Interlocked.Add(ref _deferredIdCount, -messages.Count);
            LogDeferredFull(logger, messages.Count, options.Value.MaxBackgroundPublishes, MaxDeferred + MaxDeferredIds);
            return false;
        }

        foreach (var message in messages)
        {
            _deferred.Enqueue(new Deferred(message.OutboxId, null));
        }

        EngineTelemetry.OutboxDeferredIds.Add(messages.Count);
        return true;
    }

    /// <summary>Publishes the deferred messages, oldest first, in publishes of up to <see cref="MaxBackgroundBatch"/>; one catch-up at a time.</summary>
    private async Task CatchUpAsync()
    {
        if (Interlocked.CompareExchange(ref _catchingUp, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var batch = new List<OutboxMessage>();
            var ids = new List<long>();
            while (!_stopping.IsCancellationRequested)
            {
                batch.Clear();
                ids.Clear();
                while (batch.Count + ids.Count < MaxBackgroundBatch && _deferred.TryDequeue(out var deferred))
                {
                    if (deferred.Message is { } message)
                    {
                        batch.Add(message);
                    }
                    else
                    {
                        ids.Add(deferred.OutboxId);
                    }
                }

                if (batch.Count == 0 && ids.Count == 0)
                {
                    break;
                }

                Interlocked.Add(ref _deferredCount, -batch.Count);
                Interlocked.Add(ref _deferredIdCount, -ids.Count);
                if (ids.Count > 0)
                {
                    batch.AddRange(await ReadBackAsync(ids, _stopping.Token).ConfigureAwait(false));
                }

                if (!await TryDispatchAsync(batch, null, _stopping.Token).ConfigureAwait(false))
                {
                    // The queue failed: these stay in the outbox for the sweep; the rest wait for the next publish to end.
                    return;
                }

                EngineTelemetry.OutboxCaughtUp.Add(batch.Count);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the rows stay in the outbox for the next start.
        }
        finally
        {
            Volatile.Write(ref _catchingUp, 0);
        }

        if (!_deferred.IsEmpty && !_stopping.IsCancellationRequested)
        {
            // Deferred after this catch-up found none left, before it ended: nothing else would start the next one.
            _ = CatchUpAsync();
        }
    }

    /// <summary>
    /// The rows of deferred ids still in the outbox and not handed over since (a sweep may have relayed them). When the
    /// outbox cannot be read they are left to the sweep.
    /// </summary>
    private async Task<IReadOnlyList<OutboxMessage>> ReadBackAsync(List<long> ids, CancellationToken cancellationToken)
    {
        IReadOnlyList<OutboxMessage> rows;
        try
        {
            rows = await outbox.ReadPendingAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadBackFailed(logger, ids.Count, ex);
            return [];
        }

        return rows.Where(row => !_handedOver.ContainsKey(row.OutboxId)).ToList();
    }

    private static async Task ObserveAsync(ValueTask published)
    {
        try
        {
            await published.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the start-up scan queues the work again from state.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    // Rows this process has published and not yet removed: the relay leaves them alone instead of publishing them again.
    private readonly ConcurrentDictionary<long, byte> _handedOver = new();

    // The rows pending at this process' previous sweep pass (null before its first): a later pass relays only those.
    private HashSet<long>? _pendingAtLastPass;
    private readonly SemaphoreSlim _passes = new(1, 1);

    /// <summary>
    /// The sweep's pass: publishes messages left in the outbox (by a process that stopped, a publish that failed), oldest
    /// first and bounded: a few pages per call, the rest at the next. Rows this process has already handed over are skipped,
    /// and so are rows that were not pending at its previous pass: a row written since may be on its way to the queue from
    /// the process that wrote it (every api and worker sweeps), and publishing it again only makes a duplicate whose claim
    /// conflicts. A row left behind is relayed at most two sweep intervals after it was written; the first pass of a process
    /// relays every row, as does <see cref="RelayAllPendingAsync"/> after a takeover.
    /// </summary>
    public Task RelayPendingAsync(CancellationToken cancellationToken) => RelayAsync(onlyLeftBehind: true, cancellationToken);

    /// <summary>Publishes every message in the outbox not handed over by this process (a worker that stopped left its rows there).</summary>
    public Task RelayAllPendingAsync(CancellationToken cancellationToken) => RelayAsync(onlyLeftBehind: false, cancellationToken);

    private async Task RelayAsync(bool onlyLeftBehind, CancellationToken cancellationToken)
    {
        await _passes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = onlyLeftBehind ? _pendingAtLastPass : null;
            var seen = new HashSet<long>();
            try
            {
                for (var page = 0; page < RelayPages; page++)
                {
                    var pending = await outbox.ReadPendingAsync(RelayPage, cancellationToken).ConfigureAwait(false);
                    var fresh = new List<OutboxMessage>();
                    foreach (var message in pending)
                    {
                        seen.Add(message.OutboxId);
                        if (!_handedOver.ContainsKey(message.OutboxId) && (previous is null || previous.Contains(message.OutboxId)))
                        {
                            fresh.Add(message);
                        }
                    }

                    if (fresh.Count > 0)
                    {
                        if (!await TryDispatchAsync(fresh, null, cancellationToken).ConfigureAwait(false))
                        {
                            return;
                        }

                        EngineTelemetry.OutboxRelayed.Add(fresh.Count);
                    }

                    // The next page is read from the oldest row again: the rows handed over (by this page, or by the hot path
                    // ahead of older rows left behind) must be gone from it first, or it shows them once more and the pass
                    // ends (an outbox of tens of thousands of rows after a broker outage was drained a page per sweep
                    // interval). A page with nothing fresh and nothing handed over holds only rows written since the
                    // previous pass, and so does the rest of the outbox.
                    if (pending.Count < RelayPage || (fresh.Count == 0 && !pending.Any(m => _handedOver.ContainsKey(m.OutboxId))))
                    {
                        return;
                    }

                    if (!await AcknowledgedAsync(Volatile.Read(ref _acksQueued), cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            finally
            {
                if (onlyLeftBehind)
                {
                    _pendingAtLastPass = seen;
                }
            }
        }
        finally
        {
            _passes.Release();
        }
    }

    /// <summary>Publishes committed messages; <paramref name="traceParent"/> (W3C) continues the trace of whoever caused them.</summary>
    public ValueTask DispatchAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) =>
        DispatchAsync(messages, null, cancellationToken);

    public async ValueTask DispatchAsync(IReadOnlyList<OutboxMessage> messages, string? traceParent, CancellationToken cancellationToken) =>
        await TryDispatchAsync(messages, traceParent, cancellationToken).ConfigureAwait(false);

    /// <summary>As <see cref="DispatchAsync(IReadOnlyList{OutboxMessage}, string?, CancellationToken)"/>; false when the queue failed (the rows stay in the outbox).</summary>
    private async ValueTask<bool> TryDispatchAsync(IReadOnlyList<OutboxMessage> messages, string? traceParent, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return true;
        }

        var work = new WorkMessage[messages.Count];
        for (var i = 0; i < work.Length; i++)
        {
            work[i] = traceParent is null ? messages[i].Message : messages[i].Message with { TraceParent = traceParent };
        }

        try
        {
            await queue.PublishAsync(work, cancellationToken).ConfigureAwait(false);
            EngineTelemetry.MessagesPublished.Add(work.Length);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, messages.Count, ex);
            return false;
        }

        foreach (var message in messages)
        {
            if (message.OutboxId == OutboxMessage.NotStored)
            {
                continue;
            }

            _handedOver.TryAdd(message.OutboxId, 0);
            Interlocked.Increment(ref _acksQueued);
            _acks.Writer.TryWrite(message.OutboxId);
        }

        return true;
    }

    // Outbox ids handed to the removal loop, and those it has settled (removed, or failed and handed back to the sweep);
    // the signal is completed and replaced after each batch.
    private long _acksQueued;
    private long _acksSettled;
    private TaskCompletionSource _acksSettledSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long a relay pass waits for the removal of the rows it handed over before it leaves the rest to the next pass.</summary>
    private static readonly TimeSpan AcknowledgeWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits until the removal loop has settled the first <paramref name="queued"/> ids handed to it; false when it has not
    /// within <see cref="AcknowledgeWait"/> (a slow outbox, or a dispatcher that is not running).
    /// </summary>
    private async Task<bool> AcknowledgedAsync(long queued, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AcknowledgeWait);
        try
        {
            while (true)
            {
                var signal = Volatile.Read(ref _acksSettledSignal);
                if (Volatile.Read(ref _acksSettled) >= queued)
                {
                    return true;
                }

                await signal.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<long>(MaxAckBatch);
        var reader = _acks.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < MaxAckBatch && reader.TryRead(out var id))
                {
                    batch.Add(id);
                }

                try
                {
                    await outbox.AcknowledgeAsync(batch, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The rows stay; the sweep will publish them once more and the claim drops the duplicates.
                    LogAckFailed(logger, batch.Count, ex);
                }
                finally
                {
                    foreach (var id in batch)
                    {
                        _handedOver.TryRemove(id, out _);
                    }

                    Interlocked.Add(ref _acksSettled, batch.Count);
                    Interlocked.Exchange(ref _acksSettledSignal, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged rows are harmless duplicates for the next start.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} work messages failed; they stay in the outbox for the sweep")]
    private static partial void LogPublishFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} work messages wait in the outbox for the sweep: {Limit} background publishes are already waiting on the queue (Engine:MaxBackgroundPublishes) and {Deferred} messages wait for them")]
    private static partial void LogDeferredFull(ILogger logger, int count, int limit, int deferred);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading back {Count} deferred work messages from the outbox failed; they stay there for the sweep")]
    private static partial void LogReadBackFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing {Count} delivered messages from the outbox failed")]
    private static partial void LogAckFailed(ILogger logger, int count, Exception exception);
}
