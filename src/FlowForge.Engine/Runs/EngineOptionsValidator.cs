using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>Checks <see cref="EngineOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public const int MaxWorkerParallelism = 65_536;

    public const int MaxLocalChainSteps = 10_000;

    public ValidateOptionsResult Validate(string? name, EngineOptions options) =>
        new SettingProblems(EngineOptions.Section)
            .Between(nameof(options.WorkerParallelism), options.WorkerParallelism, 1, MaxWorkerParallelism)
            .Between(nameof(options.LocalChainSteps), options.LocalChainSteps, 0, MaxLocalChainSteps)
            .Between(nameof(options.PureStartNodes), options.PureStartNodes, 0, MaxLocalChainSteps)
            .Between(nameof(options.PureStartTime), options.PureStartTime, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10))
            .Between(nameof(options.LeaseDuration), options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Between(nameof(options.HeartbeatInterval), options.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1))
            .Between(nameof(options.WorkerTimeout), options.WorkerTimeout, TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1))
            .Require(options.WorkerTimeout >= options.HeartbeatInterval * 2, nameof(options.WorkerTimeout),
                $"must be at least twice {EngineOptions.Section}:{nameof(options.HeartbeatInterval)} ({options.HeartbeatInterval}), so one late beat does not look like a dead worker")
            .Require(options.LeaseDuration >= options.HeartbeatInterval * 2, nameof(options.LeaseDuration),
                $"must be at least twice {EngineOptions.Section}:{nameof(options.HeartbeatInterval)} ({options.HeartbeatInterval}), so a lease outlasts a missed beat")
            .Between(nameof(options.MaxInterruptions), options.MaxInterruptions, 1, 1_000)
            .Between(nameof(options.SweepInterval), options.SweepInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .Between(nameof(options.ReadyResendAfter), options.ReadyResendAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Between(nameof(options.MaxResendsPerSweep), options.MaxResendsPerSweep, 1, 1_000_000)
            .Between(nameof(options.MaxOutputBytes), options.MaxOutputBytes, 1, int.MaxValue)
            .Between(nameof(options.InlineOutputBytes), options.InlineOutputBytes, 0, int.MaxValue)
            .Between(nameof(options.MaxBlobInputBytesInFlight), options.MaxBlobInputBytesInFlight, 1, long.MaxValue / 2)
            .Between(nameof(options.MaxExpressionResultBytes), options.MaxExpressionResultBytes, 1, int.MaxValue)
            .ToResult();
}
