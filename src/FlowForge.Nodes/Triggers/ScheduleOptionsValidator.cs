using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Triggers;

/// <summary>Checks <see cref="ScheduleOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options) =>
        new SettingProblems(ScheduleOptions.Section)
            .Between(nameof(options.MinIntervalMs), options.MinIntervalMs, 100, 86_400_000)
            .Between(nameof(options.PollIntervalMs), options.PollIntervalMs, 100, 60_000)
            .Between(nameof(options.MissedAfterMs), options.MissedAfterMs, 1_000, 86_400_000)
            .Between(nameof(options.FiringLeaseMs), options.FiringLeaseMs, 1_000, 86_400_000)
            .Between(nameof(options.MaxActiveFlows), options.MaxActiveFlows, 1, 1_000_000)
            .Require(options.MissedAfterMs > options.PollIntervalMs, nameof(options.MissedAfterMs), $"must be longer than {ScheduleOptions.Section}:{nameof(options.PollIntervalMs)}, or every due time would look missed.")
            .ToResult();
}
