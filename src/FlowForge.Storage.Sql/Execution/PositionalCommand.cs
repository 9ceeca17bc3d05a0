using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// A statement's command where the dialect sends parameters by position (<see cref="Dialects.SqlDialect.SendsPositionalParameters"/>).
/// Callers bind it as any command, by name or by position, into plain parameters of its own: no driver lookup and no
/// driver type inference. Executing it copies each value once into the driver's command, whose text has a <c>?</c> for
/// every occurrence of a name (<see cref="PositionalText"/>), and runs that.
/// </summary>
internal sealed class PositionalCommand : DbCommand
{
    private readonly string _text;
    private readonly BoundParameters _parameters;

    // For each ? of the sent text, in order, the bound parameter it takes its value from.
    private readonly int[] _slots;

    private PositionalCommand(string text, BoundParameters parameters, int[] slots, DbCommand sent)
    {
        _text = text;
        _parameters = parameters;
        _slots = slots;
        Sent = sent;
    }

    /// <summary>The driver's command with the positional text.</summary>
    public DbCommand Sent { get; }

    /// <summary>The command for the text on the connection, or null where <see cref="PositionalText"/> cannot rewrite it or
    /// the text names a parameter outside <paramref name="names"/>.</summary>
    public static PositionalCommand? Create(DbConnection connection, string text, IEnumerable<string> names)
    {
        var occurrences = new List<string>();
        if (PositionalText.Rewrite(text, occurrences) is not { } positional)
        {
            return null;
        }

        var parameters = new BoundParameters(names);
        var slots = new int[occurrences.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            if ((slots[i] = parameters.IndexOf(occurrences[i])) < 0)
            {
                return null;
            }
        }

        var sent = connection.CreateCommand();
        sent.CommandText = positional;
        foreach (var _ in slots)
        {
            var parameter = sent.CreateParameter();
            parameter.Value = DBNull.Value;
            sent.Parameters.Add(parameter);
        }

        return new PositionalCommand(text, parameters, slots, sent);
    }

    /// <summary>The text as written, with its names (the text sent is <see cref="Sent"/>'s).</summary>
    [AllowNull]
    public override string CommandText
    {
        get => _text;
        set => throw new NotSupportedException("A positional command's text is fixed when it is made.");
    }

    public override int CommandTimeout { get => Sent.CommandTimeout; set => Sent.CommandTimeout = value; }

    public override CommandType CommandType { get => CommandType.Text; set => throw new NotSupportedException(); }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get => Sent.Connection; set => throw new NotSupportedException(); }

    protected override DbParameterCollection DbParameterCollection => _parameters;

    protected override DbTransaction? DbTransaction { get => Sent.Transaction; set => Sent.Transaction = value; }

    public override void Cancel() => Sent.Cancel();

    public override void Prepare() => Sent.Prepare();

    public override int ExecuteNonQuery() => Filled().ExecuteNonQuery();

    public override object? ExecuteScalar() => Filled().ExecuteScalar();

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => Filled().ExecuteNonQueryAsync(cancellationToken);

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => Filled().ExecuteScalarAsync(cancellationToken);

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Filled().ExecuteReader(behavior);

    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        Filled().ExecuteReaderAsync(behavior, cancellationToken);

    protected override DbParameter CreateDbParameter() => throw new NotSupportedException("A positional command's parameters are fixed when it is made.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Sent.Dispose();
        }

        base.Dispose(disposing);
    }

    // The driver's command with the bound values in place.
    private DbCommand Filled()
    {
        var to = Sent.Parameters;
        for (var i = 0; i < _slots.Length; i++)
        {
            to[i].Value = _parameters.ValueAt(_slots[i]);
        }

        return Sent;
    }

    /// <summary>A fixed list of plain parameters, found by name through a map of their own.</summary>
    private sealed class BoundParameters : DbParameterCollection
    {
        private readonly List<BoundParameter> _list = [];
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

        public BoundParameters(IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                _byName.Add(name, _list.Count);
                _list.Add(new BoundParameter { ParameterName = name });
            }
        }

        public override int Count => _list.Count;

        public override object SyncRoot => _list;

        public object ValueAt(int index) => _list[index].Value ?? DBNull.Value;

        public override int IndexOf(string parameterName) => _byName.GetValueOrDefault(parameterName, -1);

        public override int IndexOf(object value) => value is BoundParameter parameter ? _list.IndexOf(parameter) : -1;

        public override bool Contains(string value) => _byName.ContainsKey(value);

        public override bool Contains(object value) => IndexOf(value) >= 0;

        public override IEnumerator GetEnumerator() => _list.GetEnumerator();

        public override void CopyTo(Array array, int index) => ((ICollection)_list).CopyTo(array, index);

        protected override DbParameter GetParameter(int index) => _list[index];

        protected override DbParameter GetParameter(string parameterName) =>
            _byName.TryGetValue(parameterName, out var index)
                ? _list[index]
                : throw new ArgumentException($"The statement has no parameter {parameterName}.", nameof(parameterName));

        public override int Add(object value) => throw Fixed();

        public override void AddRange(Array values) => throw Fixed();

        public override void Clear() => throw Fixed();

        public override void Insert(int index, object value) => throw Fixed();

        public override void Remove(object value) => throw Fixed();

        public override void RemoveAt(int index) => throw Fixed();

        public override void RemoveAt(string parameterName) => throw Fixed();

        protected override void SetParameter(int index, DbParameter value) => throw Fixed();

        protected override void SetParameter(string parameterName, DbParameter value) => throw Fixed();

        private static NotSupportedException Fixed() => new("A statement's parameters are fixed by its text.");
    }

    /// <summary>A name and a value; the driver's parameter infers the type once, when the value is copied in.</summary>
    private sealed class BoundParameter : DbParameter
    {
        public override DbType DbType { get; set; }

        public override ParameterDirection Direction { get; set; } = ParameterDirection.Input;

        public override bool IsNullable { get; set; }

        [AllowNull]
        public override string ParameterName { get; set; } = "";

        public override int Size { get; set; }

        [AllowNull]
        public override string SourceColumn { get; set; } = "";

        public override bool SourceColumnNullMapping { get; set; }

        public override object? Value { get; set; } = DBNull.Value;

        public override void ResetDbType()
        {
        }
    }
}
