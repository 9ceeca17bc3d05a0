using System.Globalization;

namespace FlowForge.Server.Tests.Outages;

/// <summary>
/// The private servers of the outage and fault tests listen below the kernel's ephemeral port range: a port inside it
/// can be taken by any test's outgoing connection between the check and the server's bind (RabbitMQ then exits at boot),
/// or while the server is stopped and about to start again on the same port.
/// </summary>
public sealed class PrivateServiceTests
{
    [Fact]
    public async Task StartOne_ListensBelowTheEphemeralPortRange()
    {
        var range = (await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_local_port_range")).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var ephemeralLow = int.Parse(range[0], CultureInfo.InvariantCulture);
        await using var redis = await PrivateService.StartAsync("redis");

        var port = int.Parse(redis.ConnectionString.Split(':')[^1], CultureInfo.InvariantCulture);

        Assert.InRange(port, 1024, ephemeralLow - 1);
    }
}
