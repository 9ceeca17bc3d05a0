using FlowForge.Engine.Queueing;
using FlowForge.Scaling.Rabbit;
using FlowForge.Scaling.Tests.Infrastructure;
using RabbitMQ.Client;

namespace FlowForge.Scaling.Tests.Rabbit;

/// <summary>
/// A queue of its own for one test, opened as often as the test likes (each handle its own connections, like a
/// process of its own), and a plain client connection to look at the broker directly. Deletes its queues after.
/// </summary>
public sealed class RabbitTestQueue(string connectionString, ITestOutputHelper output)
{
    private readonly List<RabbitWorkQueue> _handles = [];
    private IConnection? _admin;
    private int _shards = 1;

    public string QueueName { get; } = "flowforge.test." + Guid.NewGuid().ToString("N")[..12];

    public RabbitOptions Options(Action<RabbitOptions>? configure = null)
    {
        var options = new RabbitOptions
        {
            ConnectionString = connectionString,
            QueueName = QueueName,
            RecoveryInterval = TimeSpan.FromMilliseconds(500),
            PublishTimeout = TimeSpan.FromSeconds(60),
        };
        configure?.Invoke(options);
        _shards = Math.Max(_shards, options.Shards);
        return options;
    }

    public RabbitWorkQueue Open(Action<RabbitOptions>? configure = null, ConsumerQuiet? quiet = null)
    {
        var queue = new RabbitWorkQueue(Options(configure), new TestOutputLogger<RabbitWorkQueue>(output), quiet);
        _handles.Add(queue);
        return queue;
    }

    /// <summary>A channel of a plain client connection, for what the work queue does not show.</summary>
    public async Task<IChannel> AdminChannelAsync()
    {
        _admin ??= await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync("flowforge tests");
        return await _admin.CreateChannelAsync();
    }

    public async Task<BasicGetResult?> GetFromDeadLetterQueueAsync()
    {
        await using var channel = await AdminChannelAsync();
        return await channel.BasicGetAsync(QueueName + ".dead", autoAck: true);
    }

    /// <summary>Closes every handle the test opened (on a broker that goes away with the test, nothing else to delete).</summary>
    public async Task CloseAsync()
    {
        foreach (var handle in _handles)
        {
            await handle.DisposeAsync();
        }

        _handles.Clear();
    }

    /// <summary>Closes every handle, then deletes the queues and exchange the test used.</summary>
    public async Task DeleteAsync()
    {
        await CloseAsync();
        await using (var channel = await AdminChannelAsync())
        {
            await channel.QueueDeleteAsync(QueueName, ifUnused: false, ifEmpty: false);
            for (var shard = 1; shard < _shards; shard++)
            {
                await channel.QueueDeleteAsync($"{QueueName}.{shard}", ifUnused: false, ifEmpty: false);
            }

            await channel.QueueDeleteAsync(QueueName + ".dead", ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(QueueName + ".dlx", ifUnused: false);
        }

        if (_admin is not null)
        {
            await _admin.CloseAsync();
            await _admin.DisposeAsync();
        }
    }
}
