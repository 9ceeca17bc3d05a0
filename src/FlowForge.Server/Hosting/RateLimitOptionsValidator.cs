using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Checks <see cref="RateLimitOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options) =>
        new SettingProblems(RateLimitOptions.Section)
            .Budget(nameof(options.RunStartsPerSecond), options.RunStartsPerSecond, nameof(options.RunStartBurst), options.RunStartBurst, maxBurst: 10_000_000)
            .Budget(nameof(options.SignInPerMinute), options.SignInPerMinute, nameof(options.SignInBurst), options.SignInBurst)
            .Budget(nameof(options.SignInPerAccountPerMinute), options.SignInPerAccountPerMinute, nameof(options.SignInPerAccountBurst), options.SignInPerAccountBurst)
            .Budget(nameof(options.RegistrationsPerMinute), options.RegistrationsPerMinute, nameof(options.RegistrationBurst), options.RegistrationBurst)
            .ToResult();
}
