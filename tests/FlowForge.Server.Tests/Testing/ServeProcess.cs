using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FlowForge.Server.Tests.Testing;

/// <summary>A real <c>flowforge serve</c> process (the built CLI), for tests that kill it.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri address, System.Collections.Concurrent.ConcurrentQueue<string> errors)
    {
        _process = process;
        Address = address;
        _errors = errors;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors;

    /// <summary>What the process wrote to standard error so far (warnings and errors of its log).</summary>
    public IReadOnlyList<string> ErrorOutput => [.. _errors];

    public Uri Address { get; }

    public int Id => _process.Id;

    public static Task<ServeProcess> StartAsync(string dataDirectory, int port, params string[] extra) =>
        StartAsync(["--data", dataDirectory, .. extra], port);

    /// <summary>Starts <c>flowforge serve</c> with the given options on 127.0.0.1:<paramref name="port"/> and waits until it is ready.</summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyList<string> options, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "flowforge.dll");
        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        foreach (var arg in (string[])[dll, "serve", "--urls", address.ToString().TrimEnd('/'), "--Logging:LogLevel:Default=Warning", "--Logging:Console:FormatterName=simple", .. options])
        {
            info.ArgumentList.Add(arg);
        }

        var serveErrors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && serveErrors.Count < 10_000)
            {
                serveErrors.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                serveErrors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var serve = new ServeProcess(process, address, serveErrors);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"flowforge serve exited with {process.ExitCode}: {string.Join(Environment.NewLine, serveErrors)}");
                    }

                    try
                    {
                        return (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // Not listening or not answering yet.
                        return false;
                    }
                },
                "flowforge serve to become ready",
                // Generous: a cold start of the server on a loaded two-core build machine can take most of a minute.
                TimeSpan.FromSeconds(90));
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await Task.CompletedTask;
        _process.Dispose();
    }
}
