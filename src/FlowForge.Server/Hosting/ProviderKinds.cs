namespace FlowForge.Server.Hosting;

/// <summary>The configured provider of each seam and the role, read once at start-up and checked for combinations that cannot work.</summary>
public sealed record ProviderKinds(ServerRole Role, StoreKind Store, QueueKind Queue, CacheKind Cache)
{
    public const string RoleKey = "Role";
    public const string StoreKey = "Storage:Provider";
    public const string QueueKey = "Queue:Provider";
    public const string CacheKey = "Cache:Provider";

    public static ProviderKinds Read(IConfiguration configuration)
    {
        var role = Parse(configuration, RoleKey, "--role", ServerRole.All);
        var kinds = new ProviderKinds(
            role,
            Parse(configuration, StoreKey, "--store", StoreKind.Sqlite),
            Parse(configuration, QueueKey, "--queue", QueueKind.InProcess),
            Parse(configuration, CacheKey, "--cache", CacheKind.Memory));

        if (role != ServerRole.All && kinds.Queue == QueueKind.InProcess)
        {
            throw new InvalidOperationException(
                $"{RoleKey} (--role) is {Name(role)}, which needs a shared queue (--queue rabbitmq): an in-process queue cannot reach other processes.");
        }

        if (role != ServerRole.All && kinds.Store == StoreKind.Sqlite)
        {
            throw new InvalidOperationException(
                $"{RoleKey} (--role) is {Name(role)}, which needs a shared database (--store postgres or mysql): SQLite serves one process.");
        }

        return kinds;
    }

    /// <summary>The lower-case name used in settings and on the command line (<c>rabbitmq</c>, <c>mysql</c>).</summary>
    public static string Name<TKind>(TKind kind)
        where TKind : struct, Enum => kind.ToString().ToLowerInvariant();

    /// <summary>Every accepted name of a kind, in declaration order.</summary>
    public static IReadOnlyList<string> Names<TKind>()
        where TKind : struct, Enum => [.. Enum.GetValues<TKind>().Select(Name)];

    /// <summary>True when no other process can be executing this deployment's work (so, at start-up, every Running node is orphaned).</summary>
    public bool SoleWorker => Role == ServerRole.All && Queue == QueueKind.InProcess;

    public bool ServesApi => Role is ServerRole.All or ServerRole.Api;

    public bool ExecutesWork => Role is ServerRole.All or ServerRole.Worker;

    public override string ToString() =>
        $"role {Name(Role)}, store {Name(Store)}, queue {Name(Queue)}, cache {Name(Cache)}";

    // Names only: Enum.TryParse would also take "1" or "0, 1" and pick a provider nobody asked for.
    private static TKind Parse<TKind>(IConfiguration configuration, string key, string option, TKind fallback)
        where TKind : struct, Enum
    {
        var text = configuration[key];
        if (text is null)
        {
            return fallback;
        }

        var trimmed = text.Trim();
        foreach (var kind in Enum.GetValues<TKind>())
        {
            if (string.Equals(Name(kind), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        var names = Names<TKind>();
        throw new InvalidOperationException(
            $"{key} ({option}) is '{text}', which is not supported; use {string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}.");
    }
}
