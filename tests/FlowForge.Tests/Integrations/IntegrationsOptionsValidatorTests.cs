using FlowForge.Nodes.Integrations;

namespace FlowForge.Tests.Integrations;

public sealed class IntegrationsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new IntegrationsOptionsValidator().Validate(null, new IntegrationsOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadBaseUrlAndZeroRecipients_NamesEachSetting()
    {
        var options = new IntegrationsOptions { MaxRecipients = 0, Slack = { BaseUrl = new Uri("ftp://slack.example") } };

        var result = new IntegrationsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Integrations:Slack:BaseUrl", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Integrations:MaxRecipients", StringComparison.Ordinal));
    }
}
