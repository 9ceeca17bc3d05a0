using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>Checks <see cref="AuthOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        new SettingProblems(AuthOptions.Section)
            .Between(nameof(options.TokenLifetime), options.TokenLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30))
            .Between(nameof(options.MinPasswordLength), options.MinPasswordLength, 8, 1024)
            .ToResult();
}
