using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Server.Tests.Testing;

/// <summary>
/// The scaled-out shape with real processes: one <c>api</c> and N <c>worker</c> processes of the built CLI on a
/// shared database, RabbitMQ and Redis (the private servers from <c>tests/services/services.sh</c>). Each cluster
/// uses its own queue and key prefix, so clusters never see each other's messages.
/// </summary>
public sealed class ScaledOutCluster : IAsyncDisposable
{
    private readonly string[] _options;
    private readonly ServeProcess?[] _workers;
    private readonly int[] _workerPorts;

    private ScaledOutCluster(string[] options, ServeProcess[] apis, ServeProcess?[] workers, int[] workerPorts)
    {
        _options = options;
        Apis = apis;
        _workers = workers;
        _workerPorts = workerPorts;
    }

    public ServeProcess Api => Apis[0];

    public IReadOnlyList<ServeProcess> Apis { get; }

    /// <param name="extra">Options appended to every process's command line (a repeated setting takes the last value).</param>
    public static Task<ScaledOutCluster> StartAsync(string store, string storeConnection, int workers, int apis = 1, params string[] extra) =>
        StartOnBrokerAsync(TestServices.RabbitMq, store, storeConnection, workers, apis, extra);

    /// <summary>A cluster on the RabbitMQ at <paramref name="rabbitMq"/> (a private one, for a test that restarts it).</summary>
    public static async Task<ScaledOutCluster> StartOnBrokerAsync(string rabbitMq, string store, string storeConnection, int workers, int apis = 1, params string[] extra)
    {
        var name = $"ff-{Guid.NewGuid():N}";
        string[] options =
        [
            "--store", store, "--store-connection", storeConnection,
            "--queue", "rabbitmq", "--queue-connection", rabbitMq, $"--Queue:QueueName={name}",
            "--cache", "redis", "--cache-connection", TestServices.Redis, $"--Cache:KeyPrefix={name}:",
            "--Engine:LeaseDuration=00:00:05", "--Engine:SweepInterval=00:00:02", "--Engine:ReadyResendAfter=00:00:10",
            "--Engine:WorkerParallelism=32",
            $"--Auth:KeyRingSecret={name}-key-ring",
            .. extra,
        ];
        var apiProcesses = new ServeProcess[apis];
        for (var i = 0; i < apis; i++)
        {
            apiProcesses[i] = await ServeProcess.StartAsync([.. options, "--role", "api"], ServeProcess.FreePort());
        }

        var ports = Enumerable.Range(0, workers).Select(_ => ServeProcess.FreePort()).ToArray();
        var started = new ServeProcess?[workers];
        for (var i = 0; i < workers; i++)
        {
            started[i] = await ServeProcess.StartAsync([.. options, "--role", "worker"], ports[i]);
        }

        return new ScaledOutCluster(options, apiProcesses, started, ports);
    }

    /// <summary>SIGKILLs worker <paramref name="index"/>: its unacknowledged messages go back to the broker, its claims expire.</summary>
    public void KillWorker(int index)
    {
        _workers[index]?.Kill();
        _workers[index] = null;
    }

    /// <summary>Worker <paramref name="index"/>'s process, or null while it is killed.</summary>
    public ServeProcess? Worker(int index) => _workers[index];

    public async Task StartWorkerAsync(int index) =>
        _workers[index] = await ServeProcess.StartAsync([.. _options, "--role", "worker"], _workerPorts[index]);

    /// <summary>An HTTP client of an API process signed in as a fresh user.</summary>
    public async Task<HttpClient> CreateUserClientAsync(int api = 0)
    {
        var client = new HttpClient { BaseAddress = Apis[api].Address, Timeout = TimeSpan.FromSeconds(60) };
        var credentials = new { email = $"{Guid.NewGuid():N}@example.com", password = "scaled out password" };
        (await client.PostAsJsonAsync("/api/auth/register", credentials)).EnsureSuccessStatusCode();
        var token = (await (await client.PostAsJsonAsync("/api/auth/token", credentials)).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }
        }

        foreach (var api in Apis)
        {
            await api.DisposeAsync();
        }
    }
}
