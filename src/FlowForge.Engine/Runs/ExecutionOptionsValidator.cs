using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>Refuses to start with an <see cref="ExecutionOptions"/> setting out of range, naming it.</summary>
public sealed class ExecutionOptionsValidator : IValidateOptions<ExecutionOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutionOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
