using System.Globalization;
using FlowForge.Engine;
using FlowForge.Engine.Policies;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Http;

/// <summary>Checks <see cref="HttpOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class HttpOptionsValidator : IValidateOptions<HttpOptions>
{
    public const long MaxResponseBytesCeiling = 1024L * 1024 * 1024;

    public const int MaxRedirectsCeiling = 50;

    public ValidateOptionsResult Validate(string? name, HttpOptions options)
    {
        var problems = new SettingProblems(HttpOptions.Section)
            .Between(nameof(options.MaxResponseBytes), options.MaxResponseBytes, 1, MaxResponseBytesCeiling)
            .Between(nameof(options.MaxRedirects), options.MaxRedirects, 0, MaxRedirectsCeiling)
            .Between(nameof(options.DefaultTimeout), options.DefaultTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1))
            .Between(nameof(options.MaxRetryAfter), options.MaxRetryAfter, TimeSpan.Zero, RetryPolicy.MaxRetryAfter);
        var hosts = options.AllowedHosts ?? [];
        for (var i = 0; i < hosts.Count; i++)
        {
            problems.Require(AllowedHost.TryParse(hosts[i], out _), string.Create(CultureInfo.InvariantCulture, $"{nameof(options.AllowedHosts)}:{i}"),
                $"must be a host name, *.domain, IP address or CIDR range (such as 10.20.0.0/16); it is '{hosts[i]}'.");
        }

        return problems.ToResult();
    }
}
