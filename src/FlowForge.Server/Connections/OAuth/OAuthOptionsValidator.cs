using FlowForge.Server.Connections.Providers;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Connections.OAuth;

internal sealed class OAuthOptionsValidator : IValidateOptions<OAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, OAuthOptions options)
    {
        var failures = new List<string>();
        void Range(int value, string setting, int min, int max, string unit)
        {
            if (value < min || value > max)
            {
                failures.Add($"{OAuthOptions.Section}:{setting} must be from {min} to {max} ({unit}).");
            }
        }

        Range(options.OAuthStateMinutes, nameof(options.OAuthStateMinutes), 1, 60, "minutes");
        Range(options.TokenRequestTimeoutSeconds, nameof(options.TokenRequestTimeoutSeconds), 1, 300, "seconds");
        Range(options.RevokeTimeoutSeconds, nameof(options.RevokeTimeoutSeconds), 1, 300, "seconds");
        Range(options.MaxTokenResponseBytes, nameof(options.MaxTokenResponseBytes), 1024, 1024 * 1024, "bytes");
        Range(options.RefreshLockSeconds, nameof(options.RefreshLockSeconds), 5, 600, "seconds");
        Range(options.MaxScopes, nameof(options.MaxScopes), 1, 500, "scopes");
        Range(options.MaxFieldLength, nameof(options.MaxFieldLength), 100, 8000, "characters");
        if (!options.ConnectionsPagePath.StartsWith('/') || options.ConnectionsPagePath.StartsWith("//", StringComparison.Ordinal))
        {
            failures.Add($"{OAuthOptions.Section}:{nameof(options.ConnectionsPagePath)} must be a path on this server, such as /connections.");
        }

        foreach (var (id, settings) in options.Providers)
        {
            foreach (var (setting, value) in new[]
            {
                (nameof(settings.AuthorizeUrl), settings.AuthorizeUrl), (nameof(settings.TokenUrl), settings.TokenUrl),
                (nameof(settings.RevokeUrl), settings.RevokeUrl), (nameof(settings.ApiBaseUrl), settings.ApiBaseUrl), (nameof(settings.TestUrl), settings.TestUrl),
            })
            {
                if (!string.IsNullOrEmpty(value) && !ConnectionProviderCatalog.IsHttpUrl(value))
                {
                    failures.Add($"{OAuthOptions.Section}:Providers:{id}:{setting} must be an absolute http or https URL.");
                }
            }
        }

        failures.AddRange(ConnectionProviderCatalog.Load(options, out _));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
