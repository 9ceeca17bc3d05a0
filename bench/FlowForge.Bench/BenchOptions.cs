using System.Globalization;

namespace FlowForge.Bench;

/// <summary>Command-line settings of the load generator.</summary>
public sealed record BenchOptions
{
    public string? Url { get; init; }

    public int? Pid { get; init; }

    public string Flowforge { get; init; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../flowforge"));

    public int Concurrency { get; init; } = 96;

    public int ThroughputSeconds { get; init; } = 20;

    public int LatencyRate { get; init; } = 500;

    public int LatencySeconds { get; init; } = 15;

    public int WarmupSeconds { get; init; } = 3;

    public IReadOnlyList<string> ServeArgs { get; init; } = [];

    /// <summary>0: one <c>serve</c> process doing everything (embedded shape); N: one <c>api</c> and N <c>worker</c> processes.</summary>
    public int Workers { get; init; }

    /// <summary>A connection string of the shared database, to count its commits (postgres or mysql).</summary>
    public string? CountCommits { get; init; }

    /// <summary>Above 0: instead of the diamond, run one flow whose join has this many parents (see <see cref="JoinBenchmark"/>).</summary>
    public int JoinParents { get; init; }

    /// <summary>Size of the text every parent of the join passes on.</summary>
    public int JoinBytes { get; init; } = 1024 * 1024;

    /// <summary>Above 0: instead of a server, measure <c>core.code</c> executions in this process for this many seconds (see <see cref="CodeBenchmark"/>).</summary>
    public int CodeSeconds { get; init; }

    /// <summary>Above 0: instead of the diamond, call a webhook → if → HTTP → code flow for this many seconds per respond mode (see <see cref="WebhookBenchmark"/>).</summary>
    public int WebhookSeconds { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var serveArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--url" => options with { Url = Next() },
                "--pid" => options with { Pid = NextInt() },
                "--flowforge" => options with { Flowforge = Path.GetFullPath(Next()) },
                "--concurrency" => options with { Concurrency = NextInt() },
                "--seconds" => options with { ThroughputSeconds = NextInt() },
                "--rate" => options with { LatencyRate = NextInt() },
                "--latency-seconds" => options with { LatencySeconds = NextInt() },
                "--warmup" => options with { WarmupSeconds = NextInt() },
                "--serve-arg" => Add(options, serveArgs, Next()),
                "--workers" => options with { Workers = NextInt() },
                "--count-commits" => options with { CountCommits = Next() },
                "--join" => options with { JoinParents = NextInt() },
                "--join-bytes" => options with { JoinBytes = NextInt() },
                "--code-seconds" => options with { CodeSeconds = NextInt() },
                "--webhook-seconds" => options with { WebhookSeconds = NextInt() },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --url URL --pid PID | --flowforge PATH [--serve-arg ARG]..., --workers N [--count-commits postgres|mysql=CS], --concurrency N --seconds N --rate N --latency-seconds N --warmup N | --join PARENTS [--join-bytes N] | --code-seconds N | --webhook-seconds N [--concurrency N]"),
            };
        }

        return options with { ServeArgs = serveArgs };
    }

    private static BenchOptions Add(BenchOptions options, List<string> list, string value)
    {
        list.Add(value);
        return options;
    }
}
