using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Checks <see cref="LoggingOptions"/> at start-up, naming the setting at fault.</summary>
public sealed class LoggingOptionsValidator : IValidateOptions<LoggingOptions>
{
    public ValidateOptionsResult Validate(string? name, LoggingOptions options) =>
        new SettingProblems(LoggingOptions.Section)
            .Require(
                string.IsNullOrWhiteSpace(options.Format) || options.Format.Trim().ToLowerInvariant() is LoggingOptions.Text or LoggingOptions.Json,
                nameof(options.Format),
                $"must be {LoggingOptions.Text} or {LoggingOptions.Json}; it is '{options.Format}'.")
            .ToResult();
}
