namespace FlowForge.Server.Hosting;

/// <summary>The database behind runs and flows (<c>Storage:Provider</c>, <c>--store</c>).</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
    MySql,
}
