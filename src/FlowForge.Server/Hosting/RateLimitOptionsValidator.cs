using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Checks <see cref="RateLimitOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options) =>
        new SettingProblems(RateLimitOptions.Section)
            .Between(nameof(options.RunStartsPerSecond), options.RunStartsPerSecond, 0.001, 1_000_000)
            .Between(nameof(options.RunStartBurst), options.RunStartBurst, 1, 10_000_000)
            .Between(nameof(options.SignInPerMinute), options.SignInPerMinute, 0.001, 1_000_000)
            .Between(nameof(options.SignInBurst), options.SignInBurst, 1, 1_000_000)
            .Between(nameof(options.SignInPerAccountPerMinute), options.SignInPerAccountPerMinute, 0.001, 1_000_000)
            .Between(nameof(options.SignInPerAccountBurst), options.SignInPerAccountBurst, 1, 1_000_000)
            .Between(nameof(options.RegistrationsPerMinute), options.RegistrationsPerMinute, 0.001, 1_000_000)
            .Between(nameof(options.RegistrationBurst), options.RegistrationBurst, 1, 1_000_000)
            .ToResult();
}
