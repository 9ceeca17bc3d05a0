using System.Diagnostics;

namespace FlowForge.Scaling.Tests.Infrastructure;

/// <summary>Bounded polling for things that happen on another thread, process or server.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}.");
            }

            await Task.Delay(20);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing the test if it takes longer than <paramref name="timeout"/>; its own exceptions pass through.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        await WithinAsync((Task)task, what, timeout);
        return await task;
    }

    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var timer = new CancellationTokenSource();
        if (await Task.WhenAny(task, Task.Delay(limit, timer.Token)) != task)
        {
            Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}.");
        }

        await timer.CancelAsync();
        await task;
    }
}
