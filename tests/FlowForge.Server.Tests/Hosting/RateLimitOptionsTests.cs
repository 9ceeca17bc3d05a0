using FlowForge.Server.Hosting;

namespace FlowForge.Server.Tests.Hosting;

public sealed class RateLimitOptionsTests
{
    [Fact]
    public void RunStarts_AskedAgain_IsThePolicyMadeOnceUntilItsSettingsChange()
    {
        // Every run start asks for the policy: it was a new record each time.
        var options = new RateLimitOptions { RunStartBurst = 40, RunStartsPerSecond = 20 };
        var policy = options.RunStarts;
        Assert.Equal((40, 20d), (policy.Capacity, policy.TokensPerSecond));
        Assert.Same(policy, options.RunStarts);

        options.RunStartsPerSecond = 30;
        Assert.Equal((40, 30d), (options.RunStarts.Capacity, options.RunStarts.TokensPerSecond));
        options.RunStartBurst = 50;
        Assert.Equal((50, 30d), (options.RunStarts.Capacity, options.RunStarts.TokensPerSecond));
        Assert.Same(options.RunStarts, options.RunStarts);
    }
}
