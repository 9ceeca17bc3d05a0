using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Integrations;

/// <summary>Checks <see cref="IntegrationsOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class IntegrationsOptionsValidator : IValidateOptions<IntegrationsOptions>
{
    public const long MaxResponseBytesCeiling = 256L * 1024 * 1024;

    public const long MaxMessageBytesCeiling = 64L * 1024 * 1024;

    public const int MaxRecipientsCeiling = 1000;

    public ValidateOptionsResult Validate(string? name, IntegrationsOptions options)
    {
        var problems = new SettingProblems(IntegrationsOptions.Section)
            .Between(nameof(options.MaxResponseBytes), options.MaxResponseBytes, 1024, MaxResponseBytesCeiling)
            .Between(nameof(options.MaxMessageBytes), options.MaxMessageBytes, 1024, MaxMessageBytesCeiling)
            .Between(nameof(options.MaxRecipients), options.MaxRecipients, 1, MaxRecipientsCeiling);
        BaseUrl(problems, "Slack:BaseUrl", options.Slack?.BaseUrl);
        BaseUrl(problems, "Google:SheetsBaseUrl", options.Google?.SheetsBaseUrl);
        BaseUrl(problems, "Google:GmailBaseUrl", options.Google?.GmailBaseUrl);
        BaseUrl(problems, "GitHub:BaseUrl", options.GitHub?.BaseUrl);
        BaseUrl(problems, "OpenAI:BaseUrl", options.OpenAI?.BaseUrl);
        return problems.ToResult();
    }

    private static void BaseUrl(SettingProblems problems, string key, Uri? url) =>
        problems.Require(url is { IsAbsoluteUri: true, Scheme: "http" or "https" } && url.Query.Length == 0 && url.UserInfo.Length == 0, key,
            $"must be an absolute http or https URL without query or user name, such as https://api.example.com; it is '{url}'.");
}
