using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Credentials;

/// <summary>Checks <see cref="ConnectionOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class ConnectionOptionsValidator : IValidateOptions<ConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionOptions options) =>
        new SettingProblems(ConnectionOptions.Section)
            .Between(nameof(options.MaxSecretBytes), options.MaxSecretBytes, 16, 1024 * 1024)
            .Between(nameof(options.MaxNameLength), options.MaxNameLength, 1, 1000)
            .Between(nameof(options.MaxPerUser), options.MaxPerUser, 1, 100_000)
            .Between(nameof(options.MaxSettingsBytes), options.MaxSettingsBytes, 16, 1024 * 1024)
            .Between(nameof(options.RefreshMarginSeconds), options.RefreshMarginSeconds, 0, 24 * 60 * 60)
            .Between(nameof(options.MaxRetryAfterSeconds), options.MaxRetryAfterSeconds, 1, 7 * 24 * 60 * 60)
            .Between(nameof(options.MaxRequestBufferBytes), options.MaxRequestBufferBytes, 1024, 1024 * 1024 * 1024)
            .ToResult();
}
