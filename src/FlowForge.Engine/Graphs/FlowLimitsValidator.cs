using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Graphs;

/// <summary>Refuses <see cref="FlowLimits"/> that would let through what the stores cannot keep, naming the setting.</summary>
public sealed class FlowLimitsValidator : IValidateOptions<FlowLimits>
{
    public ValidateOptionsResult Validate(string? name, FlowLimits options)
    {
        var failures = new List<string>();
        Positive(options.MaxNodes, nameof(FlowLimits.MaxNodes), failures);
        Positive(options.MaxEdges, nameof(FlowLimits.MaxEdges), failures);
        Positive(options.MaxNameLength, nameof(FlowLimits.MaxNameLength), failures);
        Positive(options.MaxNodeConfigBytes, nameof(FlowLimits.MaxNodeConfigBytes), failures);
        Positive(options.MaxRunInputBytes, nameof(FlowLimits.MaxRunInputBytes), failures);
        if (options.MaxIdLength is < 1 or > FlowLimits.IdLengthCeiling)
        {
            failures.Add($"{FlowLimits.Section}:{nameof(FlowLimits.MaxIdLength)} must be between 1 and {FlowLimits.IdLengthCeiling} (the node id column holds {FlowLimits.IdLengthCeiling} characters), but it is {options.MaxIdLength}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(int value, string setting, List<string> failures)
    {
        if (value < 1)
        {
            failures.Add($"{FlowLimits.Section}:{setting} must be 1 or more, but it is {value}.");
        }
    }
}
