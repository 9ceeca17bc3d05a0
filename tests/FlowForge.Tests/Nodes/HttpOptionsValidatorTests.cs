using FlowForge.Nodes.Http;

namespace FlowForge.Tests.Nodes;

public sealed class HttpOptionsValidatorTests
{
    private static IEnumerable<string> Failures(HttpOptions options) =>
        new HttpOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new HttpOptionsValidator().Validate(null, new HttpOptions()).Succeeded);
    }

    [Fact]
    public void Validate_OutOfRangeValues_EachSettingNamed()
    {
        var failures = Failures(new HttpOptions
        {
            MaxResponseBytes = 0,
            MaxRedirects = -1,
            DefaultTimeout = TimeSpan.Zero,
            MaxRetryAfter = TimeSpan.FromDays(2),
        }).ToList();

        Assert.Contains(failures, f => f.StartsWith("Http:MaxResponseBytes must be between 1 and", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Http:MaxRedirects must be between 0 and", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Http:DefaultTimeout must be between", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Http:MaxRetryAfter must be between", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnreadableAllowedHost_EntryNamedByIndex()
    {
        var failures = Failures(new HttpOptions { AllowedHosts = ["api.internal", "*.corp.example", "10.0.0.0/8", "::1", "not a host", "10.0.0.1/99"] }).ToList();

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Http:AllowedHosts:4 must be a host name", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Http:AllowedHosts:5 must be a host name", failures[1], StringComparison.Ordinal);
    }
}
