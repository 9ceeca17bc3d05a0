namespace FlowForge.Server.Tests.Testing;

/// <summary>
/// One server on the default settings, shared by the tests of a class that each work as fresh users (flows, runs,
/// tokens and sessions belong to their user, so no test sees another's). Every test that changes a setting, the clock
/// or a service keeps a server of its own.
/// </summary>
public sealed class SharedServerFixture : ServerFixture
{
    protected override Task<TestServer> StartServerAsync() => TestServer.StartAsync(ManyUsers);
}
