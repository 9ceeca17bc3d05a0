using FlowForge.Engine.Runs;

namespace FlowForge.Tests.Runs;

public sealed class EngineOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new EngineOptionsValidator().Validate(null, new EngineOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ZeroLimits_FailsNamingEachSetting()
    {
        var result = new EngineOptionsValidator().Validate(null, new EngineOptions { MaxOutputBytes = 0, MaxExpressionResultBytes = -1 });

        Assert.True(result.Failed);
        Assert.Contains("Engine:MaxOutputBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Engine:MaxExpressionResultBytes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 50)]
    [InlineData(10_001, 50)]
    [InlineData(16, 0)]
    [InlineData(16, 10_001)]
    public void Validate_PureStartOutOfRange_FailsNamingTheSetting(int nodes, int milliseconds)
    {
        var result = new EngineOptionsValidator().Validate(null, new EngineOptions { PureStartNodes = nodes, PureStartTime = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.True(result.Failed);
        Assert.Contains(nodes is < 0 or > 10_000 ? "Engine:PureStartNodes" : "Engine:PureStartTime", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void Validate_LocalChainStepsOutOfRange_FailsNamingTheSetting(int steps)
    {
        var result = new EngineOptionsValidator().Validate(null, new EngineOptions { LocalChainSteps = steps });

        Assert.True(result.Failed);
        Assert.Contains("Engine:LocalChainSteps", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_001)]
    public void Validate_MaxResendsPerSweepOutOfRange_FailsNamingTheSetting(int limit)
    {
        var result = new EngineOptionsValidator().Validate(null, new EngineOptions { MaxResendsPerSweep = limit });

        Assert.True(result.Failed);
        Assert.Contains("Engine:MaxResendsPerSweep", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeInlineOutputBytesAndZeroBlobBudget_FailsNamingEachSetting()
    {
        var result = new EngineOptionsValidator().Validate(null, new EngineOptions { InlineOutputBytes = -1, MaxBlobInputBytesInFlight = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Engine:InlineOutputBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Engine:MaxBlobInputBytesInFlight", result.FailureMessage, StringComparison.Ordinal);
    }
}
