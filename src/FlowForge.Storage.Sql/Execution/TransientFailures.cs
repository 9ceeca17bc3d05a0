using System.Data.Common;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// Decides which driver errors pass by themselves (no connection left, server restarting, deadlock, busy file,
/// timeout) and turns them into <see cref="StoreUnavailableException"/>, so the engine never names a driver type.
/// </summary>
internal static class TransientFailures
{
    public static bool IsTransient(SqlDialect dialect, Exception exception) => exception switch
    {
        DbException db => db.IsTransient || dialect.IsTransientConflict(db),
        TimeoutException => true,
        _ => false,
    };

    public static StoreUnavailableException Wrap(SqlDialect dialect, Exception exception) =>
        new($"The {dialect.Name} database is unavailable; try again shortly.", exception);
}
