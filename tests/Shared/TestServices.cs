namespace FlowForge.Testing;

/// <summary>
/// The private PostgreSQL, MariaDB, RabbitMQ and Redis servers the tests run against (<c>tests/services/services.sh</c>);
/// they are never mocked. When <c>./test</c> (or the developer) started them, FLOWFORGE_TEST_POSTGRES and its siblings
/// say where they are. Otherwise the first test that asks starts them, so <c>dotnet test</c> on any one project works.
/// </summary>
/// <remarks>
/// Servers started here live in one folder per user shared by every test process (<c>services.sh attach</c>): test
/// projects that <c>dotnet test</c> runs side by side would otherwise start four RabbitMQ nodes on a small machine.
/// The script serialises start and release with a file lock and stops the servers when the last attached process
/// has exited — even when it was killed, which a process-exit handler here could not promise.
/// </remarks>
public static class TestServices
{
    private const string PostgresVariable = "FLOWFORGE_TEST_POSTGRES";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(15);
    private static readonly Lazy<bool> Attached = new(Attach, LazyThreadSafetyMode.ExecutionAndPublication);

    // Decided once, before this class exports variables of its own. Given servers are taken whole: a half-set
    // environment must not start a second set beside them.
    private static readonly bool ServersGiven = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 };

    public static string Postgres => Get(PostgresVariable);

    public static string MySql => Get("FLOWFORGE_TEST_MYSQL");

    public static string RabbitMq => Get("FLOWFORGE_TEST_RABBITMQ");

    /// <summary>The Erlang node name of the RabbitMQ server, for rabbitmqctl.</summary>
    public static string RabbitMqNode => Get("FLOWFORGE_TEST_RABBITMQ_NODE");

    public static string Redis => Get("FLOWFORGE_TEST_REDIS");

    /// <summary>The folder of the running servers, for <see cref="ServicesScript"/> commands.</summary>
    public static string ServicesDirectory => Get("FLOWFORGE_TEST_SERVICES_DIR");

    /// <summary>The folder servers started by the tests themselves are shared in.</summary>
    public static string SharedDirectory =>
        Path.Combine(Path.GetTempPath(), "flowforge-test-services-" + Environment.UserName);

    private static string Get(string name)
    {
        if (!ServersGiven)
        {
            _ = Attached.Value;
        }

        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(ServersGiven
                ? $"{name} is not set although {PostgresVariable} is: source the env file services.sh wrote, or unset both to let the tests start the servers."
                : $"services.sh attach wrote no {name} in {SharedDirectory}/env.");
    }

    // Synchronous because the properties are: it runs once per process, and every other caller waits on the Lazy.
    private static bool Attach()
    {
        var variables = ServicesScript.Attach(SharedDirectory, Environment.ProcessId, StartTimeout);
        foreach (var (name, value) in variables)
        {
            // Exported, so servers and CLIs the tests start as child processes find them too.
            Environment.SetEnvironmentVariable(name, value);
        }

        return true;
    }
}
