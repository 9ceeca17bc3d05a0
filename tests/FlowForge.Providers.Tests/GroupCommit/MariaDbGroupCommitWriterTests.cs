using System.Globalization;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class MariaDbGroupCommitWriterTests() : ServerGroupCommitWriterCompliance(new MySqlStorageProvider())
{
    protected override string SessionIdQuery => "SELECT CONNECTION_ID()";

    protected override string KillSessionStatement(long sessionId) =>
        string.Create(CultureInfo.InvariantCulture, $"KILL {sessionId}");
}
