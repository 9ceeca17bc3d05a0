namespace FlowForge.Server.Hosting;

/// <summary>The configured provider of each seam and the role, read once at start-up and checked for combinations that cannot work.</summary>
public sealed record ProviderKinds(ServerRole Role, string Store, string Queue, string Cache)
{
    public const string RoleKey = "Role";
    public const string StoreKey = "Storage:Provider";
    public const string QueueKey = "Queue:Provider";
    public const string CacheKey = "Cache:Provider";

    public static ProviderKinds Read(IConfiguration configuration)
    {
        var roleText = configuration[RoleKey] ?? "all";
        if (!Enum.TryParse<ServerRole>(roleText, ignoreCase: true, out var role) || !Enum.IsDefined(role))
        {
            throw new InvalidOperationException($"--role '{roleText}' is not a role; use all, api or worker.");
        }

        var kinds = new ProviderKinds(
            role,
            Choose(configuration[StoreKey], "sqlite", "--store", "sqlite", "postgres", "mysql"),
            Choose(configuration[QueueKey], "inprocess", "--queue", "inprocess", "rabbitmq"),
            Choose(configuration[CacheKey], "memory", "--cache", "memory", "redis"));

        if (role != ServerRole.All && kinds.Queue == "inprocess")
        {
            throw new InvalidOperationException($"--role {roleText} needs a shared queue (--queue rabbitmq): an in-process queue cannot reach other processes.");
        }

        if (role != ServerRole.All && kinds.Store == "sqlite")
        {
            throw new InvalidOperationException($"--role {roleText} needs a shared database (--store postgres or mysql): SQLite serves one process.");
        }

        return kinds;
    }

    /// <summary>True when no other process can be executing this deployment's work (so, at start-up, every Running node is orphaned).</summary>
    public bool SoleWorker => Role == ServerRole.All && Queue == "inprocess";

    public bool ServesApi => Role is ServerRole.All or ServerRole.Api;

    public bool ExecutesWork => Role is ServerRole.All or ServerRole.Worker;

    private static string Choose(string? value, string fallback, string option, params string[] allowed)
    {
        var chosen = (value ?? fallback).Trim().ToLowerInvariant();
        return allowed.Contains(chosen)
            ? chosen
            : throw new InvalidOperationException($"{option} '{value}' is not supported; use {string.Join(", ", allowed)}.");
    }
}
