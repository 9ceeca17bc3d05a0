using System.Data.Common;

namespace FlowForge.Storage.Sql.Execution;

internal static class CommandParameters
{
    /// <summary>Sets a parameter of a prepared command (null becomes SQL NULL) and returns the command for chaining.</summary>
    public static DbCommand Bind(this DbCommand command, string name, object? value)
    {
        command.Parameters[name].Value = value ?? DBNull.Value;
        return command;
    }
}
