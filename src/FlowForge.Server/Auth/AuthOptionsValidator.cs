using FlowForge.Engine;
using FlowForge.Server.Auth.KeyRing;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>Checks <see cref="AuthOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MaxPasswordLengthLimit = 4096;

    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        new SettingProblems(AuthOptions.Section)
            .Between(nameof(options.TokenLifetime), options.TokenLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30))
            .Between(nameof(options.MinPasswordLength), options.MinPasswordLength, 8, 1024)
            .Between(nameof(options.MaxPasswordLength), options.MaxPasswordLength, Math.Max(options.MinPasswordLength, 8), MaxPasswordLengthLimit)
            .Between(nameof(options.SessionIdleMinutes), options.SessionIdleMinutes, 1, 60 * 24 * 30)
            .Between(nameof(options.SessionMaxHours), options.SessionMaxHours, 1, 24 * 365)
            .Require(options.SessionIdleMinutes <= options.SessionMaxHours * 60L, nameof(options.SessionIdleMinutes), $"must not exceed {nameof(options.SessionMaxHours)} (in minutes).")
            .Between(nameof(options.MaxApiTokensPerUser), options.MaxApiTokensPerUser, 1, 10_000)
            .Between(nameof(options.MaxApiTokenNameLength), options.MaxApiTokenNameLength, 1, 400)
            .Between(nameof(options.MaxApiTokenDays), options.MaxApiTokenDays, 1, 3650)
            .Between(nameof(options.SigningKeyLifetime), options.SigningKeyLifetime, TimeSpan.FromHours(1), TimeSpan.FromDays(3650))
            .Between(nameof(options.RevocationCacheDuration), options.RevocationCacheDuration, TimeSpan.Zero, TimeSpan.FromSeconds(30))
            .Between(nameof(options.ValidatedTokenCacheDuration), options.ValidatedTokenCacheDuration, TimeSpan.Zero, TimeSpan.FromMinutes(10))
            .Between(nameof(options.ValidatedTokenCacheEntries), options.ValidatedTokenCacheEntries, 0, 1_000_000)
            .Between(nameof(options.MaintenanceInterval), options.MaintenanceInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Require(options.KeyRingSecret is null || options.KeyRingSecret.Length >= KeyRingSecret.MinLength, nameof(options.KeyRingSecret), $"must have at least {KeyRingSecret.MinLength} characters.")
            .ToResult();
}
