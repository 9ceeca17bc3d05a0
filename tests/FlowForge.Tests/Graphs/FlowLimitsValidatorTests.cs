using FlowForge.Engine.Graphs;

namespace FlowForge.Tests.Graphs;

public sealed class FlowLimitsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new FlowLimitsValidator().Validate(null, new FlowLimits()).Succeeded);
    }

    [Fact]
    public void Validate_IdLengthPastTheColumn_FailsNamingTheSetting()
    {
        var result = new FlowLimitsValidator().Validate(null, new FlowLimits { MaxIdLength = 501 });

        Assert.True(result.Failed);
        Assert.Contains("Flows:MaxIdLength", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroSizes_FailNamingEachSetting()
    {
        var result = new FlowLimitsValidator().Validate(null, new FlowLimits { MaxNodeConfigBytes = 0, MaxRunInputBytes = -1, MaxNameLength = 0 });

        Assert.Equal(["Flows:MaxNameLength", "Flows:MaxNodeConfigBytes", "Flows:MaxRunInputBytes"], result.Failures!.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }
}
