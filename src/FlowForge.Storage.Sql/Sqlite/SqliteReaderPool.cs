using System.Collections.Concurrent;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>Idle read-only sessions, each keeping its prepared commands between queries.</summary>
internal sealed class SqliteReaderPool(SqliteConnectionFactory connections, SqlDialect dialect, int maxIdle) : IDisposable
{
    private readonly ConcurrentQueue<SqlSession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public SqlSession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return new SqlSession(connections.OpenReader(), dialect);
    }

    /// <summary>Keeps the session for the next query, unless it failed (its state is then unknown) or enough are idle.</summary>
    public void Return(SqlSession session, bool failed)
    {
        if (failed || _disposed || Interlocked.Increment(ref _idleCount) > maxIdle)
        {
            if (!failed && !_disposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            session.Dispose();
            return;
        }

        _idle.Enqueue(session);
        if (_disposed)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryDequeue(out var session))
        {
            session.Dispose();
        }
    }
}
