using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Core.Code;

/// <summary>Checks <see cref="CodeOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class CodeOptionsValidator : IValidateOptions<CodeOptions>
{
    public ValidateOptionsResult Validate(string? name, CodeOptions options) =>
        new SettingProblems(CodeOptions.Section)
            .Between(nameof(options.Timeout), options.Timeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1))
            .Between(nameof(options.MaxStatements), options.MaxStatements, 1, int.MaxValue)
            .Between(nameof(options.MaxMemoryBytes), options.MaxMemoryBytes, 1024 * 1024, 16L * 1024 * 1024 * 1024)
            .Between(nameof(options.MaxRecursion), options.MaxRecursion, 1, 10_000)
            .Between(nameof(options.MaxArrayLength), options.MaxArrayLength, 1, 100_000_000)
            .Between(nameof(options.RegexTimeout), options.RegexTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1))
            .Between(nameof(options.MaxLogBytes), options.MaxLogBytes, 0, 16 * 1024 * 1024)
            .Between(nameof(options.MaxSourceLength), options.MaxSourceLength, 1, 16 * 1024 * 1024)
            .Between(nameof(options.MaxCachedScripts), options.MaxCachedScripts, 0, 100_000)
            .ToResult();
}
