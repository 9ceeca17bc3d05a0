using System.Globalization;

namespace FlowForge.Bench;

/// <summary>Command-line settings of the load generator.</summary>
public sealed record BenchOptions
{
    public string? Url { get; init; }

    public int? Pid { get; init; }

    public string Flowforge { get; init; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../flowforge"));

    public int Concurrency { get; init; } = 96;

    public double ThroughputSeconds { get; init; } = 20;

    public int LatencyRate { get; init; } = 500;

    public double LatencySeconds { get; init; } = 15;

    public int WarmupSeconds { get; init; } = 3;

    /// <summary>The flows the load modes run (<c>--scenario diamond,linear-10,fanout-50,blob-100k</c> or <c>all</c>).</summary>
    public IReadOnlyList<Scenario> Scenarios { get; init; } = [Scenario.Diamond];

    /// <summary>How each scenario is sent (<c>--mode closed,open,wait,wait-1</c> or <c>all</c>).</summary>
    public IReadOnlyList<LoadMode> Modes { get; init; } = [LoadMode.Closed, LoadMode.Open];

    /// <summary>How the load modes send their starts (<c>--client raw|httpclient</c>).</summary>
    public LoadClient Client { get; init; } = LoadClient.Raw;

    /// <summary>Print one JSON document of every figure on standard output (the readable report goes to standard error).</summary>
    public bool Json { get; init; }

    /// <summary>Append the phases to this markdown table.</summary>
    public string? Markdown { get; init; }

    /// <summary>Other processes to account CPU to, with their descendants (<c>--watch NAME=PID</c>): the database, the broker.</summary>
    public IReadOnlyList<(string Name, int Pid)> Watch { get; init; } = [];

    public IReadOnlyList<string> ServeArgs { get; init; } = [];

    /// <summary>
    /// Arguments given to the worker processes only, after <see cref="ServeArgs"/> (<c>--worker-arg ARG</c>, repeated):
    /// a setting of the worker role, e.g. <c>--worker-arg --Storage:GroupCommit:MaxWait=00:00:00.002</c>.
    /// </summary>
    public IReadOnlyList<string> WorkerArgs { get; init; } = [];

    /// <summary>
    /// Arguments given to the api process only, after <see cref="ServeArgs"/> (<c>--api-arg ARG</c>, repeated): a setting of
    /// the api role, e.g. <c>--api-arg --Storage:GroupCommit:Writers=2</c>.
    /// </summary>
    public IReadOnlyList<string> ApiArgs { get; init; } = [];

    /// <summary>0: one <c>serve</c> process doing everything (embedded shape); N: one <c>api</c> and N <c>worker</c> processes.</summary>
    public int Workers { get; init; }

    /// <summary>
    /// Pairs of phases per scenario and mode with every worker consuming and with the last one quiet, alternated
    /// (<see cref="QuietAlternation"/>); 0: each phase once, every worker consuming.
    /// </summary>
    public int QuietAlternate { get; init; }

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

    /// <summary>
    /// <c>--short</c>: every scenario in every mode, a few seconds each at small counts, to keep the tool working (the
    /// test suite runs it). Options given with it still apply.
    /// </summary>
    public static BenchOptions ShortRun { get; } = new()
    {
        Concurrency = 4,
        ThroughputSeconds = 0.5,
        LatencyRate = 20,
        LatencySeconds = 0.5,
        WarmupSeconds = 0,
        Scenarios = Scenario.All,
        Modes = LoadModes.All,
    };

    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--short") ? ShortRun : new BenchOptions();
        var serveArgs = new List<string>();
        var workerArgs = new List<string>();
        var apiArgs = new List<string>();
        var watch = new List<(string, int)>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double NextSeconds() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--url" => options with { Url = Next() },
                "--pid" => options with { Pid = NextInt() },
                "--flowforge" => options with { Flowforge = Path.GetFullPath(Next()) },
                "--concurrency" => options with { Concurrency = NextInt() },
                "--seconds" => options with { ThroughputSeconds = NextSeconds() },
                "--rate" => options with { LatencyRate = NextInt() },
                "--latency-seconds" => options with { LatencySeconds = NextSeconds() },
                "--warmup" => options with { WarmupSeconds = NextInt() },
                "--serve-arg" => Add(options, serveArgs, Next()),
                "--worker-arg" => Add(options, workerArgs, Next()),
                "--api-arg" => Add(options, apiArgs, Next()),
                "--workers" => options with { Workers = NextInt() },
                "--quiet-alternate" => options with { QuietAlternate = NextInt() },
                "--count-commits" => options with { CountCommits = Next() },
                "--join" => options with { JoinParents = NextInt() },
                "--join-bytes" => options with { JoinBytes = NextInt() },
                "--code-seconds" => options with { CodeSeconds = NextInt() },
                "--webhook-seconds" => options with { WebhookSeconds = NextInt() },
                "--scenario" => options with { Scenarios = ScenariosOf(Next()) },
                "--mode" => options with { Modes = ModesOf(Next()) },
                "--client" => options with { Client = LoadClients.Parse(Next()) },
                "--json" => options with { Json = true },
                "--markdown" => options with { Markdown = Path.GetFullPath(Next()) },
                "--watch" => AddWatch(options, watch, Next()),
                "--short" => options,
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --url URL --pid PID | --flowforge PATH(flowforge script or flowforge.dll) [--serve-arg ARG]..., --workers N [--quiet-alternate PAIRS] [--worker-arg ARG]... [--api-arg ARG]... [--count-commits postgres|mysql=CS] [--watch NAME=PID]..., --scenario diamond,linear-10,fanout-50,blob-100k|all --mode closed,open,wait,wait-1|all --concurrency N --seconds N --rate N --latency-seconds N --warmup N [--client raw|httpclient] [--json] [--markdown FILE] [--short] | --join PARENTS [--join-bytes N] | --code-seconds N | --webhook-seconds N [--concurrency N]"),
            };
        }

        if (options.QuietAlternate < 0 || (options.QuietAlternate > 0 && (options.Workers < 2 || options.Url is not null)))
        {
            throw new ArgumentException("--quiet-alternate PAIRS needs --workers 2 or more started by the bench (not --url)");
        }

        return options with { ServeArgs = serveArgs, WorkerArgs = workerArgs, ApiArgs = apiArgs, Watch = watch.Count > 0 ? watch : options.Watch };
    }

    private static IReadOnlyList<Scenario> ScenariosOf(string value) => value == "all" ? Scenario.All : [.. value.Split(',').Select(Scenario.Find)];

    private static IReadOnlyList<LoadMode> ModesOf(string value) => value == "all" ? LoadModes.All : [.. value.Split(',').Select(LoadModes.Parse)];

    private static BenchOptions AddWatch(BenchOptions options, List<(string, int)> watch, string value)
    {
        var split = value.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0 || !int.TryParse(value[(split + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new ArgumentException($"--watch takes NAME=PID, not '{value}'");
        }

        watch.Add((value[..split], pid));
        return options;
    }

    private static BenchOptions Add(BenchOptions options, List<string> list, string value)
    {
        list.Add(value);
        return options;
    }
}
