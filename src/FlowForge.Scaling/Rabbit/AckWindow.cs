namespace FlowForge.Scaling.Rabbit;

/// <summary>
/// The acknowledgements of one consuming channel, settled together: a message whose work is done is acknowledged with
/// <c>multiple</c> once every message delivered before it on the channel is settled too (done, or handed back or
/// dead-lettered on its own), one frame for all of them instead of one each; while a frame is being sent, the
/// acknowledgements that come in meanwhile wait and go in the next one. A message is never acknowledged before its work
/// is done, so a crash returns exactly the messages not yet acknowledged. The done messages behind one still running
/// (a gap) wait for it, at most <c>heldAtMost</c> of them: one more and they are acknowledged one by one, so a slow
/// message never holds the consumer's prefetch window full. The delivery tags of a channel count up from 1 without a
/// gap (the client keeps counting up across a connection's recovery), which is what lets "every tag below" be known.
/// </summary>
internal sealed class AckWindow(Func<ulong, bool, ValueTask> ack, int heldAtMost) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Above _through: done and not yet acknowledged (Held), or settled on their own (Settled).
    private readonly SortedSet<ulong> _held = [];
    private readonly SortedSet<ulong> _settled = [];

    // Every tag up to _through is settled or covered by the acknowledgement up to _ackTo (sent when _ackTo > _sentTo).
    private ulong _through;
    private ulong _ackTo;
    private ulong _sentTo;
    private int _waiting;

    /// <summary>The done messages held behind a gap (for the tests).</summary>
    internal int Held => _held.Count;

    /// <summary>The work of the message <paramref name="tag"/> is done (committed): acknowledge it with the others it can go with.</summary>
    public async ValueTask AckAsync(ulong tag)
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            _held.Add(tag);
            Advance();
            if (_held.Count > heldAtMost)
            {
                await AckHeldAloneAsync().ConfigureAwait(false);
            }

            await SendAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The message <paramref name="tag"/> is settled on its own (a nack or a reject that <paramref name="settle"/> sends, exactly).</summary>
    public async ValueTask SettleAloneAsync(ulong tag, Func<ValueTask> settle)
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            await settle().ConfigureAwait(false);
            _settled.Add(tag);
            Advance();
            await SendAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Acknowledges every done message still held (the channel is about to close): each behind a gap on its own.</summary>
    public async ValueTask FlushAsync()
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            await SendAsync(force: true).ConfigureAwait(false);
            await AckHeldAloneAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Only once no handler of the channel can settle a message any more.</summary>
    public void Dispose() => _gate.Dispose();

    private async ValueTask EnterAsync()
    {
        Interlocked.Increment(ref _waiting);
        await _gate.WaitAsync().ConfigureAwait(false);
        Interlocked.Decrement(ref _waiting);
    }

    // Moves _through over the tags settled or done right after it; the highest done one is what a multiple ack names
    // (a tag the broker still holds unsettled: one settled on its own would be an unknown tag to it).
    private void Advance()
    {
        while (true)
        {
            var next = _through + 1;
            if (_held.Remove(next))
            {
                _ackTo = next;
            }
            else if (!_settled.Remove(next))
            {
                return;
            }

            _through = next;
        }
    }

    // When someone else waits for the gate, it sends, with its own acknowledgement too; the last one in sends.
    private async ValueTask SendAsync(bool force = false)
    {
        if (_ackTo <= _sentTo || (!force && Volatile.Read(ref _waiting) > 0))
        {
            return;
        }

        var to = _ackTo;
        _sentTo = to;
        await ack(to, true).ConfigureAwait(false);
    }

    private async ValueTask AckHeldAloneAsync()
    {
        foreach (var tag in _held)
        {
            await ack(tag, false).ConfigureAwait(false);
            _settled.Add(tag);
        }

        _held.Clear();
    }
}
