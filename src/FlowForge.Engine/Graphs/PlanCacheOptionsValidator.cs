using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Graphs;

/// <summary>Checks <see cref="PlanCacheOptions"/> at start-up, naming the setting at fault.</summary>
public sealed class PlanCacheOptionsValidator : IValidateOptions<PlanCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, PlanCacheOptions options) =>
        new SettingProblems(PlanCacheOptions.Section)
            .Between(nameof(options.Capacity), options.Capacity, 1, 10_000_000)
            .Between(nameof(options.FlowHeadMaxAge), options.FlowHeadMaxAge, TimeSpan.Zero, TimeSpan.FromMinutes(10))
            .ToResult();
}
