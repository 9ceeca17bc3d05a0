using FlowForge.Engine.Runs;
using FlowForge.Server.Hosting;
using FlowForge.Server.Realtime;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Realtime;

public sealed class HubRunWatchesTests
{
    private readonly CountingEvents _events = new();

    [Fact]
    public void TryWatch_SameRunTwice_HoldsOneWatch()
    {
        var watches = Create(max: 5);
        var run = Guid.NewGuid();

        Assert.True(watches.TryWatch("c1", run));
        Assert.True(watches.TryWatch("c1", run));

        Assert.Equal(1, _events.Held);
        Assert.Equal(RunWatchScope.Everything, _events.LastScope);
    }

    [Fact]
    public void TryWatch_OverTheLimit_RefusesUntilOneIsUnwatched()
    {
        var watches = Create(max: 2);
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        Assert.True(watches.TryWatch("c1", a));
        Assert.True(watches.TryWatch("c1", b));
        Assert.False(watches.TryWatch("c1", c));
        Assert.True(watches.TryWatch("c2", c));
        watches.Unwatch("c1", a);

        Assert.True(watches.TryWatch("c1", c));
        Assert.Equal(2, watches.CountOf("c1"));
        Assert.Equal(3, _events.Held);
    }

    [Fact]
    public void Forget_ConnectionGone_ReleasesEveryWatchOfIt()
    {
        var watches = Create(max: 5);
        watches.TryWatch("c1", Guid.NewGuid());
        watches.TryWatch("c1", Guid.NewGuid());
        watches.TryWatch("c2", Guid.NewGuid());

        watches.Forget("c1");

        Assert.Equal(0, watches.CountOf("c1"));
        Assert.Equal(1, _events.Held);
    }

    [Fact]
    public void IsWatched_TwoConnectionsWatchThenGo_TrueUntilTheLastUnwatches()
    {
        var watches = Create(max: 5);
        var (run, other) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.False(watches.IsWatched(run));

        watches.TryWatch("c1", run);
        watches.TryWatch("c1", run);
        watches.TryWatch("c2", run);
        watches.Unwatch("c1", run);
        Assert.True(watches.IsWatched(run));
        Assert.False(watches.IsWatched(other));

        watches.Forget("c2");
        Assert.False(watches.IsWatched(run));

        watches.TryWatch("c1", run);
        Assert.True(watches.IsWatched(run));
    }

    private HubRunWatches Create(int max) => new(_events, Options.Create(new ApiOptions { MaxWatchedRunsPerConnection = max }));

    private sealed class CountingEvents : IRunEvents
    {
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public RunWatchScope? LastScope { get; private set; }

        public void Publish(RunEvent runEvent)
        {
        }

        public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler) => throw new NotSupportedException();

        public IDisposable Watch(Guid runId, RunWatchScope scope)
        {
            LastScope = scope;
            Interlocked.Increment(ref _held);
            return new Release(this);
        }

        private sealed class Release(CountingEvents owner) : IDisposable
        {
            private int _disposed;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._held);
                }
            }
        }
    }
}
