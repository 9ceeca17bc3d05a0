using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>Refuses engine limits that could not work, naming the setting.</summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var failures = new List<string>();
        if (options.MaxOutputBytes < 1)
        {
            failures.Add($"{EngineOptions.Section}:{nameof(EngineOptions.MaxOutputBytes)} must be at least 1 (bytes).");
        }

        if (options.MaxExpressionResultBytes < 1)
        {
            failures.Add($"{EngineOptions.Section}:{nameof(EngineOptions.MaxExpressionResultBytes)} must be at least 1 (bytes).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
