using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace FlowForge.Bench;

/// <summary>Starts <c>flowforge serve</c> processes for the bench and reads what Linux says about them.</summary>
public static class BenchServer
{
    /// <summary>The key ring secret every process of one scaled-out bench shares (a shared store requires one); never printed.</summary>
    private static readonly string KeyRingSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Starts one process of the role given. Run starts are not rate limited (the bench is the only caller); the
    /// options' serve arguments come after, so they can set a limit again.
    /// </summary>
    public static BenchProcess Start(BenchOptions options, string name, IReadOnlyList<string> role)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var dll = options.Flowforge.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(dll ? "dotnet" : options.Flowforge) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = [.. dll ? [options.Flowforge] : Array.Empty<string>(), .. ServeArguments(options, url, role)];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (role.Contains("--role"))
        {
            info.Environment["FLOWFORGE_Auth__KeyRingSecret"] = KeyRingSecret;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("flowforge did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchProcess(name, process, process.Id, url);
    }

    /// <summary>
    /// The <c>serve</c> command line of one process: the role's arguments, then <see cref="BenchOptions.ServeArgs"/>, then,
    /// for a worker, <see cref="BenchOptions.WorkerArgs"/>, for the api, <see cref="BenchOptions.ApiArgs"/> (a later setting wins
    /// over an earlier one).
    /// </summary>
    public static IReadOnlyList<string> ServeArguments(BenchOptions options, string url, IReadOnlyList<string> role) =>
    [
        "serve", "--urls", url, "--Logging:LogLevel:Default=Warning",
        "--RateLimits:RunStartsPerSecond=1000000", "--RateLimits:RunStartBurst=10000000",
        .. role, .. options.ServeArgs, .. IsWorker(role) ? options.WorkerArgs : IsRole(role, "api") ? options.ApiArgs : [],
    ];

    /// <summary>The arguments of a process of the worker role (<c>--role worker</c>), which <see cref="BenchOptions.WorkerArgs"/> are for.</summary>
    public static bool IsWorker(IReadOnlyList<string> role) => IsRole(role, "worker");

    private static bool IsRole(IReadOnlyList<string> role, string name)
    {
        for (var i = 0; i + 1 < role.Count; i++)
        {
            if (role[i] == "--role" && role[i + 1] == name)
            {
                return true;
            }
        }

        return false;
    }

    public static async Task StopAsync(BenchProcess process)
    {
        if (process.Process is null)
        {
            return;
        }

        process.Process.Kill(entireProcessTree: true);
        await process.Process.WaitForExitAsync();
        process.Process.Dispose();
    }

    public static async Task WaitReadyAsync(HttpClient client, BenchProcess process)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (process.Process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"{process.Name} exited with {exited.ExitCode} before it was ready");
            }

            try
            {
                if ((await client.GetAsync(new Uri(new Uri(process.Url), "/health/ready"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Starting (the first start may build).
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{process.Name} did not become ready within 5 minutes");
    }

    public static async Task SignInAsync(HttpClient client)
    {
        var credentials = new { email = $"bench-{Guid.NewGuid():N}@example.com", password = "benchmark password" };
        (await client.PostAsJsonAsync("/api/auth/register", credentials)).EnsureSuccessStatusCode();
        var token = (await (await client.PostAsJsonAsync("/api/auth/token", credentials)).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>CPU seconds (user + system) a process has used, with those of its descendants, living and reaped.</summary>
    public static double CpuSeconds(int? pid)
    {
        if (pid is null)
        {
            return 0;
        }

        var stats = ReadAllStats();
        var total = 0.0;
        var pending = new Stack<int>([pid.Value]);
        var seen = new HashSet<int>();
        while (pending.Count > 0 && seen.Count < 100_000)
        {
            var current = pending.Pop();
            if (!seen.Add(current) || !stats.TryGetValue(current, out var stat))
            {
                continue;
            }

            total += stat.OwnTicks + stat.ReapedChildrenTicks;
            foreach (var (child, childStat) in stats)
            {
                if (childStat.Parent == current)
                {
                    pending.Push(child);
                }
            }
        }

        return total / 100.0;
    }

    /// <summary>
    /// CPU seconds (user + system) a process has used itself: not its children's, living or reaped. The bench measures
    /// itself so: the <c>serve</c> processes it starts are its children and have figures of their own.
    /// </summary>
    public static double OwnCpuSeconds(int pid)
    {
        try
        {
            return ProcStat.Parse(File.ReadAllText($"/proc/{pid}/stat")) is { } stat ? stat.OwnTicks / 100.0 : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No /proc here, or the process has ended.
            return 0;
        }
    }

    /// <summary>Busy and total CPU seconds of the whole machine, from <c>/proc/stat</c>.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];
        return ((total - idle) / 100.0, total / 100.0);
    }

    public static double PeakRssMb(int? pid) => StatusMb(pid, "VmHWM:");

    public static double RssMb(int? pid) => StatusMb(pid, "VmRSS:");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double StatusMb(int? pid, string field)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Every process's parent and CPU ticks.</summary>
    private static Dictionary<int, ProcStat> ReadAllStats()
    {
        var stats = new Dictionary<int, ProcStat>();
        if (!Directory.Exists("/proc"))
        {
            return stats;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (ProcStat.Parse(File.ReadAllText(Path.Combine(directory, "stat"))) is { } stat)
                {
                    stats[pid] = stat;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }

        return stats;
    }
}
