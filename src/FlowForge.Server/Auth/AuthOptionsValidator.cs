using FlowForge.Server.Auth.KeyRing;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>Refuses to start with sign-in settings that cannot work, naming the setting.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.TokenLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.TokenLifetime)} must be positive (it is {options.TokenLifetime}).");
        }

        if (options.MinPasswordLength < 1)
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.MinPasswordLength)} must be at least 1 (it is {options.MinPasswordLength}).");
        }

        if (options.MaxPasswordLength < options.MinPasswordLength || options.MaxPasswordLength > 4096)
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.MaxPasswordLength)} must lie between {nameof(options.MinPasswordLength)} and 4096 (it is {options.MaxPasswordLength}).");
        }

        if (options.SigningKeyLifetime < TimeSpan.FromHours(1))
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.SigningKeyLifetime)} must be at least 01:00:00 (it is {options.SigningKeyLifetime}).");
        }

        if (options.RevocationCacheDuration < TimeSpan.Zero || options.RevocationCacheDuration > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.RevocationCacheDuration)} must lie between 00:00:00 and 00:00:30 (it is {options.RevocationCacheDuration}).");
        }

        if (options.MaintenanceInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.MaintenanceInterval)} must be at least 00:00:01 (it is {options.MaintenanceInterval}).");
        }

        if (options.KeyRingSecret is { Length: < KeyRingSecret.MinLength })
        {
            failures.Add($"{AuthOptions.Section}:{nameof(options.KeyRingSecret)} must have at least {KeyRingSecret.MinLength} characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
