using System.Data.Common;
using System.Runtime.InteropServices;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql.Blobs;

/// <summary>
/// The blob store of PostgreSQL and MySQL: the <c>Blobs</c> table of the database that holds the run (its shard), keyed
/// by run then blob id. A write is its own transaction, committed before the completion that references it.
/// </summary>
internal sealed class SqlBlobStore(SqlExecutor executor, DbDataSource dataSource, TimeProvider time) : IBlobStore
{
    private static readonly SqlStatement InsertBlob = new(nameof(InsertBlob), """
        INSERT INTO Blobs (RunId, Id, Content, CreatedAt) VALUES (@runId, @id, @content, @createdAt)
        """);

    private static readonly SqlStatement SelectBlob = new(nameof(SelectBlob), """
        SELECT Content FROM Blobs WHERE RunId = @runId AND Id = @id
        """);

    private static readonly SqlStatement DeleteBlobsOfRun = new(nameof(DeleteBlobsOfRun), """
        DELETE FROM Blobs WHERE RunId = @runId
        """);

    /// <summary>The statements on the <c>Blobs</c> table, which only the server dialects have.</summary>
    public static IReadOnlyList<SqlStatement> Statements { get; } = [InsertBlob, SelectBlob, DeleteBlobsOfRun];

    public async Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        object value = MemoryMarshal.TryGetArray(content, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : content.ToArray();
        await executor.WriteAsync(
            static (s, a, ct) => s.ExecuteAsync(
                s.Command(InsertBlob).Bind("@runId", a.RunId).Bind("@id", a.Id).Bind("@content", a.Value).Bind("@createdAt", a.CreatedAt), ct),
            (RunId: runId, Id: id, Value: value, CreatedAt: UnixMicros.From(time.GetUtcNow())),
            cancellationToken).ConfigureAwait(false);
        return new BlobReference(runId, id, content.Length);
    }

    public Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken) =>
        executor.ReadAsync(
            static async (s, b, ct) => await s.ScalarAsync(s.Command(SelectBlob).Bind("@runId", b.RunId).Bind("@id", b.Id), ct) as byte[],
            blob,
            cancellationToken);

    public byte[]? Read(BlobReference blob)
    {
        try
        {
            using var connection = dataSource.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = SelectBlob.TextFor(executor.Dialect);
            AddParameter(command, "@runId", blob.RunId);
            AddParameter(command, "@id", blob.Id);
            return command.ExecuteScalar() as byte[];
        }
        catch (Exception exception) when (TransientFailures.IsTransient(executor.Dialect, exception))
        {
            throw TransientFailures.Wrap(executor.Dialect, exception);
        }
    }

    public Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken) =>
        executor.WriteAsync(
            static (s, runId, ct) => s.ExecuteAsync(s.Command(DeleteBlobsOfRun).Bind("@runId", runId), ct),
            runId,
            cancellationToken);

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
