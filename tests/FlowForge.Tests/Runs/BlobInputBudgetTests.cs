using FlowForge.Engine.Runs;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Runs;

public sealed class BlobInputBudgetTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task AcquireAsync_MoreThanIsLeft_WaitsUntilALeaseIsGivenBack()
    {
        using var budget = new BlobInputBudget(Options.Create(new EngineOptions { MaxBlobInputBytesInFlight = 4 * MiB }));
        var first = await budget.AcquireAsync(3 * MiB, CancellationToken.None);

        var second = budget.AcquireAsync(2 * MiB, CancellationToken.None).AsTask();

        Assert.False(second.IsCompleted);
        first.Dispose();
        using var lease = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, budget.Available);
    }

    [Fact]
    public async Task AcquireAsync_MoreThanTheWholeBudget_TakesAllOfItAndRunsAlone()
    {
        using var budget = new BlobInputBudget(Options.Create(new EngineOptions { MaxBlobInputBytesInFlight = 4 * MiB }));

        using (await budget.AcquireAsync(500 * MiB, CancellationToken.None))
        {
            Assert.Equal(0, budget.Available);
        }

        Assert.Equal(4, budget.Available);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_GivesBackWhatItHad()
    {
        using var budget = new BlobInputBudget(Options.Create(new EngineOptions { MaxBlobInputBytesInFlight = 4 * MiB }));
        var held = await budget.AcquireAsync(3 * MiB, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = budget.AcquireAsync(2 * MiB, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(4, budget.Available);
    }
}
