using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Limits;

/// <summary>Checks <see cref="ConnectionRateLimitOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class ConnectionRateLimitOptionsValidator : IValidateOptions<ConnectionRateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionRateLimitOptions options)
    {
        var problems = new SettingProblems(ConnectionRateLimitOptions.Section)
            .Between(nameof(options.MaxDeferral), options.MaxDeferral, TimeSpan.Zero, TimeSpan.FromDays(7))
            .Between(nameof(options.MaxProviderDeferrals), options.MaxProviderDeferrals, 0, 1_000)
            .Between(nameof(options.DefaultProviderRetryAfter), options.DefaultProviderRetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        foreach (var (provider, limit) in options.Providers)
        {
            problems.Budget($"Providers:{provider}:PerSecond", limit.PerSecond, $"Providers:{provider}:Burst", limit.Burst, minRate: 0.0001);
        }

        return problems.ToResult();
    }
}
