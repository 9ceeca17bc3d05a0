using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Graphs;

/// <summary>Checks <see cref="FlowLimits"/> at start-up, naming each setting at fault.</summary>
public sealed class FlowLimitsValidator : IValidateOptions<FlowLimits>
{
    public ValidateOptionsResult Validate(string? name, FlowLimits options) =>
        new SettingProblems(FlowLimits.Section)
            .Between(nameof(options.MaxNodes), options.MaxNodes, 1, 100_000)
            .Between(nameof(options.MaxEdges), options.MaxEdges, 1, 1_000_000)
            .Between(nameof(options.MaxRetryAttempts), options.MaxRetryAttempts, 1, 1_000)
            .Between(nameof(options.MaxRetryDelayMs), options.MaxRetryDelayMs, 0, 365L * 24 * 60 * 60 * 1000)
            .Between(nameof(options.MaxTimeoutMs), options.MaxTimeoutMs, 1, 365L * 24 * 60 * 60 * 1000)
            .ToResult();
}
