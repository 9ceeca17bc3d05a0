using System.Globalization;
using System.Text;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement InsertFlow = new(nameof(InsertFlow), """
        INSERT INTO Flows (Id, OwnerId, Name, CurrentVersion, CreatedAt, UpdatedAt, DeletedAt)
        VALUES (@id, @ownerId, @name, 1, @now, @now, NULL)
        """);

    private static readonly SqlStatement InsertFlowVersion = new(nameof(InsertFlowVersion), """
        INSERT INTO FlowVersions (FlowId, Version, Name, Json, CreatedAt)
        VALUES (@flowId, @version, @name, @json, @now)
        """);

    private static readonly SqlStatement BumpFlowVersion = new(nameof(BumpFlowVersion), """
        UPDATE Flows SET CurrentVersion = CurrentVersion + 1, Name = @name, UpdatedAt = @now
        WHERE Id = @id AND OwnerId = @ownerId AND DeletedAt IS NULL
        """);

    private static readonly SqlStatement SelectFlowHead = new(nameof(SelectFlowHead), """
        SELECT CurrentVersion, CreatedAt FROM Flows WHERE Id = @id
        """);

    private static readonly SqlStatement SelectOwnedFlow = new(nameof(SelectOwnedFlow), """
        SELECT f.CreatedAt, v.Version, v.Name, v.Json, v.CreatedAt
        FROM Flows f JOIN FlowVersions v ON v.FlowId = f.Id AND v.Version = COALESCE(@version, f.CurrentVersion)
        WHERE f.Id = @id AND f.OwnerId = @ownerId AND f.DeletedAt IS NULL
        """);

    private static readonly SqlStatement SelectFlowVersion = new(nameof(SelectFlowVersion), """
        SELECT f.OwnerId, f.CreatedAt, v.Name, v.Json, v.CreatedAt
        FROM FlowVersions v JOIN Flows f ON f.Id = v.FlowId
        WHERE v.FlowId = @id AND v.Version = @version
        """);

    private static readonly SqlStatement ListFlows = new(nameof(ListFlows), d => FlowListing(d, ""));

    // The pattern is bound lower-cased with its wildcards escaped by '!', which no dialect treats as special in a string literal.
    private static readonly SqlStatement SearchFlows = new(nameof(SearchFlows), d => FlowListing(d, "AND LOWER(f.Name) LIKE @pattern ESCAPE '!'"));

    // On MySQL the page is named by its index (see RunsByIndex): a page 2,000 flows deep read 3,199 rows without it.
    private static string FlowListing(SqlDialect dialect, string filter) => $"""
        SELECT f.Id, f.Name, f.CurrentVersion, f.CreatedAt, f.UpdatedAt, f.Active,
               (SELECT v.Json FROM FlowVersions v WHERE v.FlowId = f.Id AND v.Version = f.CurrentVersion)
        FROM {ByIndex(dialect, "Flows f", "IX_Flows_Owner_Created")}
        WHERE f.OwnerId = @ownerId AND f.DeletedAt IS NULL
          AND f.CreatedAt <= @afterCreatedAt AND (f.CreatedAt < @afterCreatedAt OR f.Id < @afterId)
          {filter}
        ORDER BY f.CreatedAt DESC, f.Id DESC
        LIMIT @limit
        """;

    private static readonly SqlStatement SoftDeleteFlow = new(nameof(SoftDeleteFlow), """
        UPDATE Flows SET DeletedAt = @now WHERE Id = @id AND OwnerId = @ownerId AND DeletedAt IS NULL
        """);

    public Task<FlowRecord> CreateAsync(Guid ownerId, string name, string json, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _executor.WriteAsync(static async (s, a, ct) =>
        {
            var now = UnixMicros.From(a.Now);
            await s.ExecuteAsync(
                s.Command(InsertFlow).Bind("@id", a.Id).Bind("@ownerId", a.OwnerId).Bind("@name", a.Name).Bind("@now", now), ct);
            await s.ExecuteAsync(
                s.Command(InsertFlowVersion).Bind("@flowId", a.Id).Bind("@version", 1).Bind("@name", a.Name).Bind("@json", a.Json).Bind("@now", now), ct);
            var at = UnixMicros.ToTime(now);
            return new FlowRecord(a.Id, a.OwnerId, a.Name, 1, a.Json, at, at);
        }, (Id: Guid.CreateVersion7(now), OwnerId: ownerId, Name: name, Json: json, Now: now), cancellationToken);
    }

    public Task<FlowRecord?> AddVersionAsync(Guid flowId, Guid ownerId, string name, string json, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var now = UnixMicros.From(a.Now);
            var bumped = await s.ExecuteAsync(
                s.Command(BumpFlowVersion).Bind("@id", a.Id).Bind("@ownerId", a.OwnerId).Bind("@name", a.Name).Bind("@now", now), ct);
            if (bumped == 0)
            {
                return null;
            }

            int version;
            long createdAt;
            await using (var reader = await s.ReaderAsync(s.Command(SelectFlowHead).Bind("@id", a.Id), ct))
            {
                await reader.ReadAsync(ct);
                version = reader.GetInt32(0);
                createdAt = reader.GetInt64(1);
            }

            await s.ExecuteAsync(
                s.Command(InsertFlowVersion).Bind("@flowId", a.Id).Bind("@version", version).Bind("@name", a.Name).Bind("@json", a.Json).Bind("@now", now), ct);
            // Schedules move to the new version at once, on every process: its triggers are planned by the next pass.
            await ResetSchedulesAsync(s, a.Id, ct);
            return new FlowRecord(a.Id, a.OwnerId, a.Name, version, a.Json, UnixMicros.ToTime(createdAt), UnixMicros.ToTime(now));
        }, (Id: flowId, OwnerId: ownerId, Name: name, Json: json, Now: _time.GetUtcNow()), cancellationToken);

    public Task<FlowRecord?> GetAsync(Guid flowId, Guid ownerId, int? version, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            if (s.BindsByPosition)
            {
                // Read on every run's start: by position on SQLite, without a reader, a parameter object or a box per value.
                return OwnedFlowByPosition(s, a.Id, a.OwnerId, a.Version, a.Texts);
            }

            var command = s.Command(SelectOwnedFlow).Bind("@id", a.Id).Bind("@ownerId", a.OwnerId).Bind("@version", a.Version);
            await using var reader = await s.ReaderAsync(command, ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return new FlowRecord(
                a.Id, a.OwnerId, reader.GetString(2), reader.GetInt32(1), reader.GetString(3), reader.GetTime(0), reader.GetTime(4));
        }, (Id: flowId, OwnerId: ownerId, Version: version, Texts: _flowTexts), cancellationToken);

    private static FlowRecord? OwnedFlowByPosition(SqlSession s, Guid id, Guid ownerId, int? version, FlowTextCache texts)
    {
        var select = s.RowStatement(SelectOwnedFlow);
        select.Bind(1, version);
        select.Bind(2, id);
        select.Bind(3, ownerId);
        if (!s.Query(select))
        {
            return null;
        }

        try
        {
            // The version's name and JSON are decoded into strings only when they are not known already.
            var found = select.GetInt32(1);
            var text = texts.Find(id, found);
            if (text is null)
            {
                text = new FlowText(id, found, select.GetString(2), select.GetString(3));
                texts.Keep(text);
            }

            return new FlowRecord(
                id, ownerId, text.Name, found, text.Json, UnixMicros.ToTime(select.GetInt64(0)), UnixMicros.ToTime(select.GetInt64(4)));
        }
        finally
        {
            select.Reset();
        }
    }

    public Task<FlowRecord?> GetVersionAsync(Guid flowId, int version, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectFlowVersion).Bind("@id", a.Id).Bind("@version", a.Version), ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return new FlowRecord(
                a.Id, reader.GetGuid(0), reader.GetString(2), a.Version, reader.GetString(3), reader.GetTime(1), reader.GetTime(4));
        }, (Id: flowId, Version: version), cancellationToken);

    public Task<Page<FlowSummary>> ListAsync(Guid ownerId, PageRequest page, string? nameContains, CancellationToken cancellationToken)
    {
        var after = PageCursor.Decode(PageCursor.Flows, page.Cursor);
        var pattern = string.IsNullOrEmpty(nameContains) ? null : LikePattern(nameContains);
        return _executor.ReadAsync(static async (s, a, ct) =>
        {
            var command = a.Pattern is null ? s.Command(ListFlows) : s.Command(SearchFlows).Bind("@pattern", a.Pattern);
            command
                .Bind("@ownerId", a.OwnerId)
                .Bind("@afterCreatedAt", a.After.CreatedAt)
                .Bind("@afterId", a.After.Id)
                .Bind("@limit", a.Limit + 1);
            var items = new List<FlowSummary>(a.Limit + 1);
            await using (var reader = await s.ReaderAsync(command, ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    items.Add(new FlowSummary(
                        reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetTime(3), reader.GetTime(4),
                        Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture) != 0, FlowNodeTypes.Read(reader.GetString(6))));
                }
            }

            if (items.Count <= a.Limit)
            {
                return new Page<FlowSummary>(items, null);
            }

            items.RemoveAt(a.Limit);
            var last = items[^1];
            return new Page<FlowSummary>(items, PageCursor.Encode(PageCursor.Flows, UnixMicros.From(last.CreatedAt), last.Id));
        }, (OwnerId: ownerId, After: after, Limit: PageCursor.ClampLimit(page.Limit), Pattern: pattern), cancellationToken);
    }

    /// <summary>A LIKE pattern matching names that contain <paramref name="text"/>, ignoring case, with its own % and _ taken literally.</summary>
    internal static string LikePattern(string text)
    {
        var pattern = new StringBuilder(text.Length + 2).Append('%');
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is '%' or '_' or '!')
            {
                pattern.Append('!');
            }

            pattern.Append(c);
        }

        return pattern.Append('%').ToString();
    }

    public Task<bool> DeleteAsync(Guid flowId, Guid ownerId, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var command = s.Command(SoftDeleteFlow).Bind("@id", a.Id).Bind("@ownerId", a.OwnerId).Bind("@now", UnixMicros.From(a.Now));
            if (await s.ExecuteAsync(command, ct) == 0)
            {
                return false;
            }

            await ResetSchedulesAsync(s, a.Id, ct);
            return true;
        }, (Id: flowId, OwnerId: ownerId, Now: _time.GetUtcNow()), cancellationToken);
}
