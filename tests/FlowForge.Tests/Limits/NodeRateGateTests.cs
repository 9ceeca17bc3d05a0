using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Nodes;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Limits;

/// <summary>
/// A provider's built-in limit paces each connection of that provider on its own (one account's budget); a limit the
/// deployment configures for the provider is one budget shared by every connection.
/// </summary>
public sealed class NodeRateGateTests
{
    private static readonly NodeDescriptor SlackLike = new("test.post", "Post", NodeCategory.Action, "", [], ["main"]) { Provider = "test" };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryConnectionStore _store = new();

    [Fact]
    public async Task ReserveAsync_ProviderDefaultOnly_EachConnectionHasItsOwnBudget()
    {
        var gate = Gate(new ConnectionRateLimitOptions());
        var first = _store.AddLimited("first workspace", null);
        var second = _store.AddLimited("second workspace", null);

        var firstNow = await gate.ReserveAsync(SlackLike, Context(first), EngineHarness.Owner, CancellationToken.None);
        var secondNow = await gate.ReserveAsync(SlackLike, Context(second), EngineHarness.Owner, CancellationToken.None);
        var firstAgain = await gate.ReserveAsync(SlackLike, Context(first), EngineHarness.Owner, CancellationToken.None);

        Assert.True(firstNow.IsNow);
        Assert.True(secondNow.IsNow);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(1), firstAgain.DeferUntil);
    }

    [Fact]
    public async Task ReserveAsync_ConnectionSetsItsOwnLimit_ItReplacesTheProviderDefault()
    {
        var gate = Gate(new ConnectionRateLimitOptions());
        var fast = _store.AddLimited("fast", new RateLimitPolicy(1, 10));

        await gate.ReserveAsync(SlackLike, Context(fast), EngineHarness.Owner, CancellationToken.None);
        var next = await gate.ReserveAsync(SlackLike, Context(fast), EngineHarness.Owner, CancellationToken.None);

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMilliseconds(100), next.DeferUntil);
    }

    [Fact]
    public async Task ReserveAsync_ProviderLimitConfigured_ReplacesTheDefaultAndIsSharedByEveryConnection()
    {
        var settings = new ConnectionRateLimitOptions();
        settings.Providers["test"] = new ProviderRateLimit { PerSecond = 4, Burst = 1 };
        var gate = Gate(settings);
        var first = _store.AddLimited("first", null);
        var second = _store.AddLimited("second", null);

        var firstNow = await gate.ReserveAsync(SlackLike, Context(first), EngineHarness.Owner, CancellationToken.None);
        var secondLater = await gate.ReserveAsync(SlackLike, Context(second), EngineHarness.Owner, CancellationToken.None);
        var firstAgain = await gate.ReserveAsync(SlackLike, Context(first), EngineHarness.Owner, CancellationToken.None);

        Assert.True(firstNow.IsNow);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMilliseconds(250), secondLater.DeferUntil);

        // The built-in one a second per connection is replaced: the first connection's next call waits for the shared budget only.
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMilliseconds(500), firstAgain.DeferUntil);
    }

    private NodeRateGate Gate(ConnectionRateLimitOptions settings) => new(
        new MemoryRateLimiter(_time),
        new OnePerSecond(),
        new StaticOptions(settings),
        _time,
        _store);

    private NodeContext Context(Guid connectionId) => new()
    {
        RunId = Guid.NewGuid(),
        NodeId = "post",
        Attempt = 1,
        Config = new JsonObject { ["connectionId"] = connectionId.ToString("D") },
        RunInput = null,
        Upstream = new Dictionary<string, JsonNode?>(),
        Time = _time,
        Logger = NullLogger.Instance,
    };

    private sealed class OnePerSecond : IProviderRateLimits
    {
        public RateLimitPolicy? DefaultFor(string provider) => provider == "test" ? new RateLimitPolicy(1, 1) : null;
    }

    private sealed class StaticOptions(ConnectionRateLimitOptions value) : IOptionsMonitor<ConnectionRateLimitOptions>
    {
        public ConnectionRateLimitOptions CurrentValue => value;

        public ConnectionRateLimitOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConnectionRateLimitOptions, string?> listener) => null;
    }
}
