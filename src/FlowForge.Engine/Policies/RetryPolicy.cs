namespace FlowForge.Engine.Policies;

/// <summary>
/// How often a node is tried and how long the engine waits between attempts: <see cref="Delay"/> after the
/// first failure, multiplied by <see cref="Multiplier"/> after each further one, never more than
/// <see cref="MaxDelay"/>, spread by ± <see cref="Jitter"/> (a fraction of the delay) so that failures that
/// happened together are not all retried at the same instant.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan Delay, double Multiplier, TimeSpan MaxDelay, double Jitter)
{
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(1);

    public const double DefaultMultiplier = 2;

    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(5);

    /// <summary>The longest wait a node may ask for before its next attempt (<see cref="DelayAfter(int, double, TimeSpan?)"/>): one day.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>One attempt: a failure is final.</summary>
    public static readonly RetryPolicy None = new(1, DefaultDelay, DefaultMultiplier, DefaultMaxDelay, 0);

    /// <summary>True when a retryable failure of attempt <paramref name="attempt"/> (1-based) may be tried again.</summary>
    public bool AllowsRetryAfter(int attempt) => attempt < MaxAttempts;

    /// <summary>
    /// The wait after attempt <paramref name="attempt"/> (1-based) failed. <paramref name="sample"/> is a random
    /// number in [0, 1): 0.5 gives the exact exponential delay, 0 and 1 its jitter bounds.
    /// </summary>
    public TimeSpan DelayAfter(int attempt, double sample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var cap = MaxDelay.TotalMilliseconds;
        // Pow overflows to infinity for large attempt numbers; Min brings it back to the cap.
        var exponential = Math.Min(Delay.TotalMilliseconds * Math.Pow(Multiplier, attempt - 1), cap);
        var jittered = exponential * (1 + (Jitter * ((2 * Math.Clamp(sample, 0, 1)) - 1)));
        return TimeSpan.FromMilliseconds(Math.Round(Math.Clamp(jittered, 0, cap)));
    }

    /// <summary>
    /// The wait after attempt <paramref name="attempt"/> failed when the node asked for at least
    /// <paramref name="retryAfter"/> (a server's <c>Retry-After</c>): the longer of the two, the node's ask capped
    /// at <see cref="MaxRetryAfter"/>.
    /// </summary>
    public TimeSpan DelayAfter(int attempt, double sample, TimeSpan? retryAfter)
    {
        var delay = DelayAfter(attempt, sample);
        if (retryAfter is not { } asked)
        {
            return delay;
        }

        var capped = asked < TimeSpan.Zero ? TimeSpan.Zero : asked > MaxRetryAfter ? MaxRetryAfter : asked;
        return capped > delay ? capped : delay;
    }
}
