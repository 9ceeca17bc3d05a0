using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Triggers;

/// <summary>Checks <see cref="WebhookOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options) =>
        new SettingProblems(WebhookOptions.Section)
            .Between(nameof(options.MaxBodyBytes), options.MaxBodyBytes, 0, 64 * 1024 * 1024)
            .Between(nameof(options.PermitsPerSecond), options.PermitsPerSecond, 0.001, 1_000_000)
            .Between(nameof(options.Burst), options.Burst, 1, 10_000_000)
            .Require(
                string.IsNullOrEmpty(options.PublicBaseUrl) || (Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                nameof(options.PublicBaseUrl), "must be an absolute http or https URL, such as https://flows.example.com.")
            .ToResult();
}
