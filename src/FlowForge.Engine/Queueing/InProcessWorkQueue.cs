using System.Threading.Channels;

namespace FlowForge.Engine.Queueing;

/// <summary>
/// The embedded default: an unbounded in-memory channel. Nothing here is durable — it does not need to be:
/// every message can be re-created from the database (Ready and orphaned Running nodes) at start-up.
/// </summary>
public sealed class InProcessWorkQueue : IWorkQueue, IQueueDepth
{
    private readonly Channel<WorkMessage> _channel = Channel.CreateUnbounded<WorkMessage>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
    });

    /// <summary>Messages waiting for a worker (queue depth metric).</summary>
    public int Count => _channel.Reader.Count;

    public ValueTask PublishAsync(IReadOnlyList<WorkMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            if (!_channel.Writer.TryWrite(message))
            {
                throw new InvalidOperationException("The in-process work queue is closed.");
            }
        }

        return ValueTask.CompletedTask;
    }

    public async Task ConsumeAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken cancellationToken)
    {
        var consumers = new Task[Math.Max(1, parallelism)];
        for (var i = 0; i < consumers.Length; i++)
        {
            consumers[i] = ConsumeOneAsync(handler, cancellationToken);
        }

        await Task.WhenAll(consumers).ConfigureAwait(false);
    }

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public ValueTask<long> GetDepthAsync(CancellationToken cancellationToken) => ValueTask.FromResult((long)_channel.Reader.Count);

    private async Task ConsumeOneAsync(Func<WorkMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var reader = _channel.Reader;
        try
        {
            // ReadAsync, not WaitToReadAsync: a message written while consumers wait is handed to exactly one of them,
            // where WaitToReadAsync would wake every waiting consumer (Engine:WorkerParallelism of them) to race for it.
            while (true)
            {
                if (!reader.TryRead(out var message))
                {
                    message = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                await handler(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping; unprocessed messages are re-created from state at the next start.
        }
        catch (ChannelClosedException)
        {
            // Nothing more will come.
        }
    }
}
