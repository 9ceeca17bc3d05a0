using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>Checks <see cref="ExecutionOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class ExecutionOptionsValidator : IValidateOptions<ExecutionOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutionOptions options) =>
        new SettingProblems(ExecutionOptions.Section)
            .Between(nameof(options.DefaultTimeout), options.DefaultTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1))
            .Between(nameof(options.MaxAttemptInputBytes), options.MaxAttemptInputBytes, 0, 16 * 1024 * 1024)
            .Between(nameof(options.MaxAttemptLogBytes), options.MaxAttemptLogBytes, 0, 16 * 1024 * 1024)
            .ToResult();
}
