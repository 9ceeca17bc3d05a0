using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Graphs;

/// <summary>Checks <see cref="FlowLimits"/> at start-up, naming each setting at fault; refuses limits that would let through what the stores cannot keep.</summary>
public sealed class FlowLimitsValidator : IValidateOptions<FlowLimits>
{
    public ValidateOptionsResult Validate(string? name, FlowLimits options) =>
        new SettingProblems(FlowLimits.Section)
            .Between(nameof(options.MaxNodes), options.MaxNodes, 1, 100_000)
            .Between(nameof(options.MaxEdges), options.MaxEdges, 1, 1_000_000)
            .Between(nameof(options.MaxRetryAttempts), options.MaxRetryAttempts, 1, 1_000)
            .Between(nameof(options.MaxRetryDelayMs), options.MaxRetryDelayMs, 0, 365L * 24 * 60 * 60 * 1000)
            .Between(nameof(options.MaxTimeoutMs), options.MaxTimeoutMs, 1, 365L * 24 * 60 * 60 * 1000)
            .Between(nameof(options.MaxNameLength), options.MaxNameLength, 1, 100_000)
            .Between(nameof(options.MaxNodeConfigBytes), options.MaxNodeConfigBytes, 1, int.MaxValue)
            .Between(nameof(options.MaxRunInputBytes), options.MaxRunInputBytes, 1, int.MaxValue)
            .Between(nameof(options.MaxForEachItems), options.MaxForEachItems, 0, 1_000_000)
            .Between(nameof(options.MaxForEachConcurrency), options.MaxForEachConcurrency, 1, 10_000)
            .Between(nameof(options.MaxSubflowDepth), options.MaxSubflowDepth, 0, 100)
            .Require(options.MaxIdLength is >= 1 and <= FlowLimits.IdLengthCeiling, nameof(options.MaxIdLength), $"must be between 1 and {FlowLimits.IdLengthCeiling} (the node id column holds {FlowLimits.IdLengthCeiling} characters); it is {options.MaxIdLength}.")
            .ToResult();
}
