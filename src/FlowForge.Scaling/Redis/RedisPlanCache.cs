using FlowForge.Engine.Graphs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// The plan cache of a scaled-out deployment: each process keeps compiled plans in its own
/// <see cref="MemoryPlanCache"/>, and Redis carries invalidations between processes. Plans are not stored in
/// Redis: saved flow versions never change and compile in microseconds, while a serialized plan would have to
/// rebuild the exact graph on every read (docs/adr/0002-plan-cache-on-redis.md). Flow heads are kept in the same way,
/// and only while the invalidations can arrive: none is used before the subscription is in place, and all are dropped
/// when a connection to Redis fails or comes back (messages sent meanwhile are lost).
/// </summary>
public sealed partial class RedisPlanCache : IPlanCache, IAsyncDisposable
{
    private readonly MemoryPlanCache _local;
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly RedisChannelListener _listener;
    private readonly ILogger<RedisPlanCache> _logger;

    // False from a connection's failure until it is restored: heads are neither used nor kept meanwhile.
    private volatile bool _connected = true;

    public RedisPlanCache(
        IConnectionMultiplexer redis, RedisOptions options, IOptions<PlanCacheOptions> cacheOptions, ILogger<RedisPlanCache> logger, TimeProvider? time = null)
    {
        _local = new MemoryPlanCache(cacheOptions, time);
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(options.KeyPrefix + "plans:invalidated");
        _listener = new RedisChannelListener(redis, _channel, OnInvalidatedAsync, logger);
        _redis.ConnectionFailed += OnConnectionFailed;
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Tells this instance's own invalidations apart when Redis echoes them back.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    /// <summary>True once invalidations from other processes arrive.</summary>
    public bool IsListening => _listener.IsListening;

    /// <summary>How many flow versions this process holds.</summary>
    public int Count => _local.Count;

    /// <summary>Subscribes to invalidations from other processes and waits until they arrive.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    public ValueTask<ExecutionPlan> GetOrAddAsync(FlowVersionKey key, Func<CancellationToken, Task<ExecutionPlan>> compile, CancellationToken cancellationToken)
    {
        if (!_listener.IsListening)
        {
            _listener.Start();
        }

        return _local.GetOrAddAsync(key, compile, cancellationToken);
    }

    public long HeadStamp => _local.HeadStamp;

    public bool TryGetHead(Guid flowId, out FlowHead head)
    {
        if (HeadsHeard)
        {
            return _local.TryGetHead(flowId, out head);
        }

        _listener.Start();
        head = null!;
        return false;
    }

    public void KeepHead(FlowHead head, long stamp)
    {
        if (HeadsHeard)
        {
            _local.KeepHead(head, stamp);
        }
    }

    /// <summary>Whether another process's invalidation of a head would reach this one now.</summary>
    private bool HeadsHeard => _connected && _listener.IsListening;

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        _connected = false;
        _local.ForgetHeads();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Heads kept while a connection was down may have missed an invalidation: drop them before trusting again.
        _local.ForgetHeads();
        _connected = true;
    }

    public async ValueTask InvalidateAsync(Guid flowId, CancellationToken cancellationToken)
    {
        await _local.InvalidateAsync(flowId, cancellationToken).ConfigureAwait(false);
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, Encode(flowId, InstanceId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Versions never change, so another process holding a dropped flow only keeps memory until eviction.
            LogPublishFailed(_logger, flowId, ex.Message);
        }
    }

    public ValueTask DisposeAsync()
    {
        _redis.ConnectionFailed -= OnConnectionFailed;
        _redis.ConnectionRestored -= OnConnectionRestored;
        return _listener.DisposeAsync();
    }

    private async Task OnInvalidatedAsync(RedisValue message)
    {
        if (!TryDecode(message, out var flowId, out var origin))
        {
            LogUnreadable(_logger, _channel.ToString());
            return;
        }

        if (origin != InstanceId)
        {
            await _local.InvalidateAsync(flowId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    // "<flow id> <origin>", both as 32 hex digits.
    private static string Encode(Guid flowId, Guid origin) => $"{flowId:N} {origin:N}";

    private static bool TryDecode(RedisValue message, out Guid flowId, out Guid origin)
    {
        origin = Guid.Empty;
        var text = (string?)message;
        flowId = Guid.Empty;
        return text is { Length: 65 }
            && text[32] == ' '
            && Guid.TryParseExact(text.AsSpan(0, 32), "N", out flowId)
            && Guid.TryParseExact(text.AsSpan(33), "N", out origin);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling other processes to drop the plans of flow {FlowId} failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, Guid flowId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring an unreadable message on Redis channel '{Channel}'")]
    private static partial void LogUnreadable(ILogger logger, string channel);
}
