namespace FlowForge.Storage.Sql;

/// <summary>Where runs and flows are stored, bound to configuration section <c>Storage</c>.</summary>
public sealed class SqlStorageOptions
{
    public const string Section = "Storage";

    public const string Sqlite = "sqlite";

    /// <summary>The database kind. Supported: <c>sqlite</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The provider's connection string; takes precedence over <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>For SQLite: the folder holding <c>flowforge.db</c>, created when missing.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Throws an exception naming the setting at fault when these options cannot open a store.</summary>
    public void Validate()
    {
        if (!string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Section}:Provider '{Provider}' is not supported; use '{Sqlite}'.");
        }

        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException($"Set {Section}:DataDirectory (a folder for flowforge.db) or {Section}:ConnectionString.");
        }
    }

    internal string ResolveSqliteConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        var directory = Path.GetFullPath(DataDirectory!);
        Directory.CreateDirectory(directory);
        return $"Data Source={Path.Combine(directory, "flowforge.db")}";
    }
}
