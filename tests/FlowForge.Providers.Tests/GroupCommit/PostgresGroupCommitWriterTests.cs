using System.Globalization;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupCommitWriterTests() : ServerGroupCommitWriterCompliance(new PostgresStorageProvider())
{
    protected override string SessionIdQuery => "SELECT pg_backend_pid()";

    protected override string KillSessionStatement(long sessionId) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT pg_terminate_backend({sessionId})");
}
