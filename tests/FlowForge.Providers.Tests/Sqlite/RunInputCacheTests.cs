using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class RunInputCacheTests
{
    [Fact]
    public void TryGet_InputAddedAndStillHeld_ReturnsItWithoutReadingAgain()
    {
        var cache = new RunInputCache();
        var runId = Guid.NewGuid();

        var missed = cache.TryGet(runId, out _);
        var held = cache.Add(runId, """{"s":"big"}""");
        var hit = cache.TryGet(runId, out var shared);

        Assert.False(missed);
        Assert.True(hit);
        Assert.Equal("""{"s":"big"}""", shared?.GetRawText());
        Assert.Equal(held?.GetRawText(), shared?.GetRawText());
        Assert.False(cache.TryGet(Guid.NewGuid(), out _));
    }

    [Fact]
    public void Add_EmptyInput_IsNullAndNotCached()
    {
        var cache = new RunInputCache();
        var runId = Guid.NewGuid();

        Assert.Null(cache.Add(runId, null));
        Assert.False(cache.TryGet(runId, out _));
    }
}
