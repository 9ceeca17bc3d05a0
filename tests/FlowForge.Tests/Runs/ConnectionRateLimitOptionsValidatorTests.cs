using FlowForge.Engine.Limits;

namespace FlowForge.Tests.Runs;

public sealed class ConnectionRateLimitOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new ConnectionRateLimitOptionsValidator().Validate(null, new ConnectionRateLimitOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ProviderThatNeverRefills_NamesTheProvidersSetting()
    {
        var options = new ConnectionRateLimitOptions { MaxDeferral = TimeSpan.FromDays(8) };
        options.Providers["slack"] = new ProviderRateLimit { PerSecond = 0, Burst = 0 };

        var result = new ConnectionRateLimitOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("RateLimits:Providers:slack:PerSecond must be between", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("RateLimits:Providers:slack:Burst must be between", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("RateLimits:MaxDeferral must be between", StringComparison.Ordinal));
    }
}
