using FlowForge.Testing;

namespace FlowForge.Scaling.Tests.Infrastructure;

/// <summary>
/// The real RabbitMQ and Redis the tests run against. Taken from FLOWFORGE_TEST_* variables when the test command
/// started the servers (tests/services/services.sh); otherwise started here in a folder of their own and stopped
/// when the tests are done, so <c>dotnet test</c> works alone.
/// </summary>
public sealed class TestServices : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(3);

    private bool _startedHere;

    public string RabbitMq { get; private set; } = "";

    public string RabbitMqNode { get; private set; } = "";

    public string Redis { get; private set; } = "";

    public string Directory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "FLOWFORGE_TEST_RABBITMQ", "FLOWFORGE_TEST_RABBITMQ_NODE", "FLOWFORGE_TEST_REDIS", "FLOWFORGE_TEST_SERVICES_DIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                variables[name] = value;
            }
        }

        if (variables.Count < 4)
        {
            var directory = Path.Combine(Path.GetTempPath(), "flowforge-scaling-tests-" + Guid.NewGuid().ToString("N")[..12]);
            _startedHere = true;
            variables = await ServicesScript.StartAsync(directory, StartTimeout);
        }

        RabbitMq = variables["FLOWFORGE_TEST_RABBITMQ"];
        RabbitMqNode = variables["FLOWFORGE_TEST_RABBITMQ_NODE"];
        Redis = variables["FLOWFORGE_TEST_REDIS"];
        Directory = variables["FLOWFORGE_TEST_SERVICES_DIR"];
    }

    public async Task DisposeAsync()
    {
        if (_startedHere && Directory.Length > 0)
        {
            await ServicesScript.RunAsync("stop", Directory, StartTimeout);
        }
    }

    /// <summary>Stops the broker and starts the same node again, on the same port with its data.</summary>
    public Task RestartRabbitMqAsync() => ServicesScript.RunAsync("restart-rabbitmq", Directory, RestartTimeout);
}
