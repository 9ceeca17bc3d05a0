using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// One server with the default connection settings, shared by the tests of a class that each work as fresh users
/// (connections belong to their user, so no test sees another's).
/// </summary>
public sealed class ConnectionServerFixture : ServerFixture
{
    protected override Task<TestServer> StartServerAsync() => ConnectionApi.StartServerAsync(null, ManyUsers);
}
