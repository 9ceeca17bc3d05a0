using System.Diagnostics;

namespace FlowForge.Testing;

/// <summary>
/// Bounded waiting for things that happen on another thread, process or server: polls until a condition
/// holds, or fails the test saying what it waited for and what it last saw. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await MatchesAsync(condition, seen => seen, what, timeout);

    /// <summary>Polls <paramref name="observe"/> until <paramref name="condition"/> holds on what it returns, and returns that; on timeout the failure shows the last value seen.</summary>
    public static Task<T> MatchesAsync<T>(Func<T> observe, Func<T, bool> condition, string what, TimeSpan? timeout = null) =>
        MatchesAsync(() => Task.FromResult(observe()), condition, what, timeout);

    public static async Task<T> MatchesAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var seen = await observe();
            if (condition(seen))
            {
                return seen;
            }

            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}; last saw: {Describe(seen)}.");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
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
            Assert.Fail($"Waited {limit.TotalSeconds:0.#} s for {what}; it had not finished.");
        }

        await timer.CancelAsync();
        await task;
    }

    /// <summary>
    /// Watches for <paramref name="during"/> that something does not happen, failing the moment it does. Only for when
    /// nothing can signal that it will not: a later event known to come after it, or a fake clock, says so sooner and surer.
    /// </summary>
    public static async Task NeverAsync(Func<bool> happened, string what, TimeSpan during)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (happened())
            {
                Assert.Fail($"{what} happened {watch.Elapsed.TotalMilliseconds:0} ms into a {during.TotalMilliseconds:0} ms watch.");
            }

            if (watch.Elapsed > during)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }

    private static string Describe<T>(T seen) => seen switch
    {
        null => "null",
        string s => $"\"{s}\"",
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object?>().Take(20))}]",
        _ => seen.ToString() ?? "",
    };
}
