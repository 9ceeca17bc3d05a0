using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>Refuses engine settings that cannot work together, naming the setting at fault.</summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var failures = new List<string>();
        const string S = EngineOptions.Section;
        if (options.WorkerParallelism is < 1 or > 100_000)
        {
            failures.Add($"{S}:WorkerParallelism must be between 1 and 100000 (was {options.WorkerParallelism}).");
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{S}:HeartbeatInterval must be between 00:00:00.1 and 00:01:00 (was {options.HeartbeatInterval}).");
        }

        if (options.WorkerTimeout < options.HeartbeatInterval * 2)
        {
            failures.Add($"{S}:WorkerTimeout must be at least twice {S}:HeartbeatInterval ({options.HeartbeatInterval}), so one late beat does not look like a dead worker (was {options.WorkerTimeout}).");
        }

        if (options.LeaseDuration < options.HeartbeatInterval * 2)
        {
            failures.Add($"{S}:LeaseDuration must be at least twice {S}:HeartbeatInterval ({options.HeartbeatInterval}), so a lease outlasts a missed beat (was {options.LeaseDuration}).");
        }

        if (options.SweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{S}:SweepInterval must be positive (was {options.SweepInterval}).");
        }

        if (options.ReadyResendAfter <= TimeSpan.Zero)
        {
            failures.Add($"{S}:ReadyResendAfter must be positive (was {options.ReadyResendAfter}).");
        }

        if (options.MaxInterruptions is < 1 or > 1_000)
        {
            failures.Add($"{S}:MaxInterruptions must be between 1 and 1000 (was {options.MaxInterruptions}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
