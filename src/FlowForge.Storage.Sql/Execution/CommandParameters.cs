using System.Data.Common;
using System.Runtime.CompilerServices;
using MySqlConnector;

namespace FlowForge.Storage.Sql.Execution;

internal static class CommandParameters
{
    // Each bound MySQL command's parameter positions by name (see SqlSession.Prepare): MySqlConnector's lookup by name
    // copies the name without its '@' on every call.
    private static readonly ConditionalWeakTable<DbCommand, Dictionary<string, int>> Positions = [];

    /// <summary>Sets a parameter of a prepared command (null becomes SQL NULL) and returns the command for chaining.</summary>
    public static DbCommand Bind(this DbCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var parameter = command is MySqlCommand && Positions.TryGetValue(command, out var positions) && positions.TryGetValue(name, out var index)
            ? parameters[index]
            : parameters[name];
        parameter.Value = value ?? DBNull.Value;
        return command;
    }

    /// <summary>Has <see cref="Bind"/> find the command's parameters by their names as given, without the driver's lookup.</summary>
    public static void IndexByName(DbCommand command)
    {
        var parameters = command.Parameters;
        var positions = new Dictionary<string, int>(parameters.Count, StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            positions[parameters[i].ParameterName] = i;
        }

        Positions.AddOrUpdate(command, positions);
    }
}
