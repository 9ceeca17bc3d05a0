using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Hosting;

public sealed class FlowLimitsStartupTests
{
    [Fact]
    public async Task Start_IdLengthPastTheColumn_StopsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await TestServer.StartAsync("--Flows:MaxIdLength=600");
        });

        Assert.Contains("Flows:MaxIdLength", error.Message, StringComparison.Ordinal);
    }
}
