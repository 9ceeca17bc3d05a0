using System.Collections.Concurrent;
using System.Net.Sockets;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FlowForge.Scaling.Rabbit;

/// <summary>
/// <see cref="IWorkQueue"/> on RabbitMQ: a durable quorum queue (classic if the broker refuses quorum), persistent
/// messages, publisher confirms and manual acknowledgements sent after the handler returns. A message handed back
/// more than <see cref="RabbitOptions.DeliveryLimit"/> times goes to the dead-letter queue <c>&lt;queue&gt;.dead</c>.
/// Connections recover by themselves after a broker restart; publishing retries meanwhile. Publishers and
/// consumers use separate connections, so flow control on publishing never holds back acknowledgements.
/// With several state shards there is one work queue per shard: a run's messages go to its shard's queue and a
/// worker consumes every shard's queue or the subset it is given.
/// </summary>
public sealed partial class RabbitWorkQueue : IWorkQueue, IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly RabbitOptions _options;
    private readonly ILogger<RabbitWorkQueue> _logger;
    private readonly ConnectionFactory _factory;
    private readonly IReadOnlyList<int> _consumedShards;
    private readonly CachedString[] _routingKeys;
    private readonly LazyConnection _publisher;
    private readonly LazyConnection _consumer;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<ConsumerSession, byte> _sessions = new();
    private readonly ConsumerQuiet _quiet;
    private int _disposed;

    // 1 once the broker refused a quorum queue of this name; read and written with Volatile.
    private int _classic;

    /// <param name="quiet">Stops and resumes this process' consumers (<see cref="ConsumerQuiet"/>); none: always consuming.</param>
    public RabbitWorkQueue(RabbitOptions options, ILogger<RabbitWorkQueue> logger, ConsumerQuiet? quiet = null)
    {
        options.Validate();
        _options = options;
        _quiet = quiet ?? new ConsumerQuiet();
        _consumedShards = options.ConsumedShards();
        _routingKeys = [.. Enumerable.Range(0, options.Shards).Select(shard => new CachedString(options.QueueNameOf(shard)))];
        _logger = logger;
        _factory = new ConnectionFactory
        {
            Uri = new Uri(options.ConnectionString!),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = options.RecoveryInterval,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            RequestedHeartbeat = TimeSpan.FromSeconds(30),
        };
        var name = $"flowforge {Environment.MachineName} {Environment.ProcessId}";
        _publisher = new LazyConnection(this, name + " publish");
        _consumer = new LazyConnection(this, name + " consume");
    }

    public string QueueName => _options.QueueName;

    /// <summary>The work queue of each shard; a message goes to the one of its run's shard (<see cref="RunShards"/>).</summary>
    public IReadOnlyList<string> ShardQueueNames => [.. Enumerable.Range(0, _options.Shards).Select(_options.QueueNameOf)];

    /// <summary>The shards whose queues this process consumes (<see cref="RabbitOptions.ConsumeShards"/>).</summary>
    public IReadOnlyList<int> ConsumedShards => _consumedShards;

    /// <summary>Where messages go after <see cref="RabbitOptions.DeliveryLimit"/> failed deliveries.</summary>
    public string DeadLetterQueueName => _options.QueueName + ".dead";

    private string DeadLetterExchange => _options.QueueName + ".dlx";

    /// <summary>True when the broker refused a quorum queue and a classic one is used instead.</summary>
    public bool UsesClassicQueue => Volatile.Read(ref _classic) == 1;

    /// <summary>The connection messages are published on, opened on first use; for health checks.</summary>
    public ValueTask<IConnection> GetPublishConnectionAsync(CancellationToken cancellationToken) => _publisher.GetAsync(cancellationToken);

    public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return false;
        }

        try
        {
            var channel = await GetPublishChannelAsync(cancellationToken).ConfigureAwait(false);
            return channel.IsOpen && _sessions.Keys.All(s => s.Channel.IsOpen);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            LogNotReady(_logger, _options.QueueName, ex.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        var channel = Interlocked.Exchange(ref _publishChannel, null);
        if (channel is not null)
        {
            await CloseQuietlyAsync(channel).ConfigureAwait(false);
        }

        await _publisher.DisposeAsync().ConfigureAwait(false);
        await _consumer.DisposeAsync().ConfigureAwait(false);
        _publishGate.Dispose();
        _confirmLimiter.Dispose();
        _lifetime.Dispose();
    }

    /// <summary>Failures that a reconnection can cure: the broker is away, restarting or the connection is recovering.</summary>
    private static bool IsTransient(Exception exception) =>
        exception is OperationInterruptedException or BrokerUnreachableException or ConnectFailureException
            or IOException or SocketException or TimeoutException;

    private async Task DeclareTopologyAsync(IConnection connection, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (!UsesClassicQueue)
            {
                try
                {
                    await DeclareQueuesAsync(channel, quorum: true, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (OperationInterruptedException ex) when (ex.ShutdownReason?.Initiator == ShutdownInitiator.Peer)
                {
                    // An existing classic queue of this name, a policy or an old broker: the refusal closed the channel.
                    LogQuorumRefused(_logger, _options.QueueName, ex.ShutdownReason.ReplyText, _options.DeliveryLimit);
                    Volatile.Write(ref _classic, 1);
                }

                await CloseQuietlyAsync(channel).ConfigureAwait(false);
                channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            await DeclareQueuesAsync(channel, quorum: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await CloseQuietlyAsync(channel).ConfigureAwait(false);
        }
    }

    private async Task DeclareQueuesAsync(IChannel channel, bool quorum, CancellationToken cancellationToken)
    {
        var work = new Dictionary<string, object?> { ["x-dead-letter-exchange"] = DeadLetterExchange };
        var dead = new Dictionary<string, object?>();
        if (quorum)
        {
            work["x-queue-type"] = "quorum";
            work["x-delivery-limit"] = _options.DeliveryLimit;
            dead["x-queue-type"] = "quorum";
        }

        for (var shard = 0; shard < _options.Shards; shard++)
        {
            await channel.QueueDeclareAsync(_options.QueueNameOf(shard), durable: true, exclusive: false, autoDelete: false, arguments: work, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }

        await channel.QueueDeclareAsync(DeadLetterQueueName, durable: true, exclusive: false, autoDelete: false, arguments: dead, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await channel.QueueBindAsync(DeadLetterQueueName, DeadLetterExchange, routingKey: string.Empty, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCloseFailed(_logger, "channel", ex.Message);
        }
    }

    /// <summary>
    /// One connection, opened on first use. Once open it is kept for the life of the queue: the client library
    /// reconnects it and re-declares its queues and consumers after the broker comes back.
    /// </summary>
    private sealed class LazyConnection(RabbitWorkQueue owner, string name) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private IConnection? _connection;

        public bool IsOpen => Volatile.Read(ref _connection)?.IsOpen == true;

        public async ValueTask<IConnection> GetAsync(CancellationToken cancellationToken)
        {
            var connection = Volatile.Read(ref _connection);
            if (connection is not null)
            {
                return connection;
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref owner._disposed) == 1, owner);
                if (_connection is not null)
                {
                    return _connection;
                }

                connection = await owner._factory.CreateConnectionAsync(name, cancellationToken).ConfigureAwait(false);
                try
                {
                    await owner.DeclareTopologyAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                Volatile.Write(ref _connection, connection);
                return connection;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                var connection = Interlocked.Exchange(ref _connection, null);
                if (connection is not null)
                {
                    try
                    {
                        await connection.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        LogCloseFailed(owner._logger, "connection", ex.Message);
                    }

                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ refused a quorum queue '{Queue}' ({Reason}); using a classic durable queue, on which the delivery limit of {Limit} is not enforced: a message that keeps failing is retried until it succeeds or is purged")]
    private static partial void LogQuorumRefused(ILogger logger, string queue, string reason, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work queue '{Queue}' is not ready: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string queue, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the RabbitMQ {What} failed: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, string what, string reason);
}
