namespace FlowForge.Testing;

/// <summary>
/// One server (redis, postgres or rabbitmq) started by <c>services.sh start-one</c> in a folder of its own, for a test
/// that stops and starts it: the servers other tests share are never touched.
/// </summary>
public sealed class PrivateService : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly string _name;
    private readonly string _directory;

    private PrivateService(string name, string directory, string connectionString)
    {
        _name = name;
        _directory = directory;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PrivateService> StartAsync(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"flowforge-{name}-{Guid.NewGuid():N}");
        var variables = await ServicesScript.StartOneAsync(name, directory, Timeout);
        return new PrivateService(name, directory, Assert.Single(variables).Value);
    }

    public Task StopAsync() => ServicesScript.RunAsync(_directory, Timeout, "stop-one", _name);

    /// <summary>Starts the server again on the same port with the same data.</summary>
    public Task StartAgainAsync() => ServicesScript.RunAsync(_directory, Timeout, "resume-one", _name);

    public async ValueTask DisposeAsync() => await ServicesScript.RunAsync(_directory, Timeout, "stop");
}
