namespace FlowForge.Testing;

/// <summary>
/// Connection strings of the private servers <c>./test</c> starts (<c>tests/services/services.sh</c>). Tests that
/// claim to test these engines fail with this message when they are missing: they are never mocked.
/// </summary>
public static class TestServices
{
    public static string Postgres => Get("FLOWFORGE_TEST_POSTGRES");

    public static string MySql => Get("FLOWFORGE_TEST_MYSQL");

    public static string RabbitMq => Get("FLOWFORGE_TEST_RABBITMQ");

    public static string Redis => Get("FLOWFORGE_TEST_REDIS");

    /// <summary>The folder of the running servers, for <see cref="ServicesScript"/> commands such as restart-rabbitmq.</summary>
    public static string ServicesDirectory => Get("FLOWFORGE_TEST_SERVICES_DIR");

    private static string Get(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with ./test, which starts PostgreSQL, MariaDB, RabbitMQ and Redis (tests/services/services.sh).");
}
