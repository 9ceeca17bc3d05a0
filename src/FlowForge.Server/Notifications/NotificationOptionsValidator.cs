using FlowForge.Engine;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FlowForge.Server.Notifications;

/// <summary>Checks <see cref="NotificationOptions"/> at start-up, naming each setting at fault (never showing the SMTP password).</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var problems = new SettingProblems(NotificationOptions.Section)
            .Between(nameof(options.MaxPerUser), options.MaxPerUser, 1, 100_000)
            .Between(nameof(options.CollapseMinutes), options.CollapseMinutes, 0, 10_080)
            .Between(nameof(options.MaxDigestMinutes), options.MaxDigestMinutes, 1, 10_080)
            .Between(nameof(options.DefaultDigestMinutes), options.DefaultDigestMinutes, 1, Math.Max(1, options.MaxDigestMinutes))
            .Between(nameof(options.FirstDigestDelaySeconds), options.FirstDigestDelaySeconds, 0, 3600)
            .Between(nameof(options.MaxDigestItemsPerUser), options.MaxDigestItemsPerUser, 1, 100_000)
            .Between(nameof(options.MaxDigestFlows), options.MaxDigestFlows, 1, 1000)
            .Between(nameof(options.MaxDigestErrorsPerFlow), options.MaxDigestErrorsPerFlow, 1, 100)
            .Between(nameof(options.MaxErrorLength), options.MaxErrorLength, 50, 100_000)
            .Between(nameof(options.MaxSendAttempts), options.MaxSendAttempts, 1, 100)
            .Between(nameof(options.RetrySeconds), options.RetrySeconds, 1, 86_400)
            .Between(nameof(options.PollMilliseconds), options.PollMilliseconds, 10, 3_600_000)
            .Between(nameof(options.QueueCapacity), options.QueueCapacity, 1, 10_000_000)
            .Require(
                string.IsNullOrEmpty(options.PublicBaseUrl) || (Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                nameof(options.PublicBaseUrl), "must be an absolute http or https URL, such as https://flows.example.com.");
        var smtp = options.Smtp;
        if (smtp.IsConfigured)
        {
            problems
                .Between("Smtp:Port", smtp.Port, 1, 65_535)
                .Between("Smtp:TimeoutSeconds", smtp.TimeoutSeconds, 1, 600)
                .Require(Enum.IsDefined(smtp.Security), "Smtp:Security", "must be Auto, StartTls, Tls or None.")
                .Require(!string.IsNullOrWhiteSpace(smtp.From) && MailboxAddress.TryParse(smtp.From, out _), "Smtp:From", "must be the sender's address, such as flowforge@example.com, when Smtp:Host is set.")
                .Require(string.IsNullOrEmpty(smtp.Password) || !string.IsNullOrEmpty(smtp.Username), "Smtp:Username", "is required when Smtp:Password is set.");
        }

        return problems.ToResult();
    }
}
