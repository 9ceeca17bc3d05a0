using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>Redis for the plan cache, rate limits and run events; bound to configuration section <c>Cache</c> (with <c>Cache:Provider=redis</c>).</summary>
public sealed class RedisOptions
{
    public const string Section = "Cache";

    /// <summary>StackExchange.Redis configuration, e.g. <c>redis:6379,password=secret,ssl=true</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Starts every key and channel name, so deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "flowforge:";

    /// <summary>
    /// How long a watch on a run, announced to the other processes, holds without being announced again; the watching
    /// process announces it again every third of this while it watches. Events of runs nobody watches stay in their process.
    /// </summary>
    public TimeSpan WatchLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events of unwatched runs a process keeps, the newest, so that a watch arriving just after them still gets them
    /// (a watch races the run it watches). 0 keeps none.
    /// </summary>
    public int UnwatchedEventsKept { get; set; } = 4096;

    /// <summary>Throws naming the setting at fault; called when the services are registered.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException($"{Section}:{nameof(ConnectionString)} is required, e.g. 'redis:6379'.");
        }

        try
        {
            var parsed = ConfigurationOptions.Parse(ConnectionString);
            if (parsed.EndPoints.Count == 0)
            {
                throw new InvalidOperationException($"{Section}:{nameof(ConnectionString)} names no server; give host:port, e.g. 'redis:6379'.");
            }
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{Section}:{nameof(ConnectionString)} is not a Redis configuration: {ex.Message}", ex);
        }

        ArgumentNullException.ThrowIfNull(KeyPrefix, $"{Section}:{nameof(KeyPrefix)}");
        if (WatchLifetime < TimeSpan.FromSeconds(1) || WatchLifetime > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"{Section}:{nameof(WatchLifetime)} must be from 00:00:01 to 01:00:00 (got {WatchLifetime}).");
        }

        if (UnwatchedEventsKept is < 0 or > 1_000_000)
        {
            throw new InvalidOperationException($"{Section}:{nameof(UnwatchedEventsKept)} must be from 0 to 1000000 (got {UnwatchedEventsKept}).");
        }
    }

    internal ConfigurationOptions ToConfiguration()
    {
        var configuration = ConfigurationOptions.Parse(ConnectionString!);

        // A process must start while Redis is away, and connect once it is back.
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "flowforge";
        return configuration;
    }
}
