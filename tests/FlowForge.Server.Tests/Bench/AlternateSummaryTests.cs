using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowForge.Server.Tests.Bench;

/// <summary>
/// <c>bench/alternate-summary.sh</c>, the comparison <c>bench/run-all.sh --alternate N</c> writes: every run in the
/// order it ran, then per database the median closed flows/s of one and of two workers and their ratio.
/// </summary>
public sealed class AlternateSummaryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"flowforge-alternate-{Guid.NewGuid():N}");

    public AlternateSummaryTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Summary_ThreeRunsOfEachWorkerCount_GivesTheMediansTheirRatioAndEveryRunInOrder()
    {
        // Alternated w1 w2 w2 w1 w1 w2 on PostgreSQL; one pair on MariaDB. The medians are the middle runs, not means.
        Write("scaled-postgres-w1-diamond-a1", "postgres", 1, "2026-12-03T10:00:00+00:00", 900, 1.8);
        Write("scaled-postgres-w2-diamond-a1", "postgres", 2, "2026-12-03T10:02:00+00:00", 1000, 1.9);
        Write("scaled-postgres-w2-diamond-a2", "postgres", 2, "2026-12-03T10:04:00+00:00", 500, 1.9);
        Write("scaled-postgres-w1-diamond-a2", "postgres", 1, "2026-12-03T10:06:00+00:00", 800, 1.8);
        Write("scaled-postgres-w1-diamond-a3", "postgres", 1, "2026-12-03T10:08:00+00:00", 1200, 1.8);
        Write("scaled-postgres-w2-diamond-a3", "postgres", 2, "2026-12-03T10:10:00+00:00", 950, 1.9);
        Write("scaled-mariadb-w1-diamond-a1", "mysql", 1, "2026-12-03T10:01:00+00:00", 700, 2.0);
        // The MariaDB pair's second run fell in a slower minute: the api, whose work per flow does not depend on the
        // workers, spent a quarter more CPU per flow, and the machine a quarter more too. Its JIT counter read 0.1 ms per
        // flow: the compiling threads' wall clock, listed, not taken out of the CPU.
        Write("scaled-mariadb-w2-diamond-a1", "mysql", 2, "2026-12-03T10:03:00+00:00", 560, 2.0, apiMsPerFlow: 0.625, apiJitMsPerFlow: 0.1);

        var lines = (await RunAsync()).Split('\n');

        var runs = lines.Where(l => l.StartsWith("| 10:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["10:00:00", "10:01:00", "10:02:00", "10:03:00", "10:04:00", "10:06:00", "10:08:00", "10:10:00"],
            runs.Select(l => l.Split('|')[1].Trim()));
        Assert.Contains("| 10:02:00 | PostgreSQL | 2 | 1000 | 0 |", runs[2], StringComparison.Ordinal);
        // Machine CPU ms per flow: 1.9 busy cores at 1,000 flows/s.
        Assert.Contains("| 1.9 | api 0.5, worker-1 0.2", runs[2], StringComparison.Ordinal);

        // The JIT milliseconds per flow of the processes that report them, in the run's last column.
        Assert.EndsWith("| api 0.1 |", runs[3], StringComparison.Ordinal);

        // Medians 900 (of 800, 900, 1,200) and 950 (of 500, 950, 1,000): 2 workers ÷ 1 = 1.06.
        Assert.Contains(lines, l => l.StartsWith("| PostgreSQL | 3 / 3 | 900 | 950 | 1.06 | 2 | 2 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| MariaDB | 1 / 1 | 700 | 560 | 0.8 |", StringComparison.Ordinal));

        // At the same speed: machine ÷ api CPU per flow, PostgreSQL medians 4 (of 4, 4.5, 3) and 4 (of 3.8, 7.6, 4); MariaDB
        // 2.857 ÷ 0.5 and 3.571 ÷ 0.625, both 5.71 (whole CPU on both sides; taking the JIT counter's 0.1 out of both would
        // make it 6.61 and 0.86): raw 0.8×, but two workers cost the machine what one does.
        Assert.Contains(lines, l => l.StartsWith("| PostgreSQL |", StringComparison.Ordinal) && l.EndsWith("| 4 | 4 | 1 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| MariaDB |", StringComparison.Ordinal) && l.EndsWith("| 5.71 | 5.71 | 1 |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Summary_OneWorkerCountOnly_LeavesTheRatioOpen()
    {
        Write("scaled-mariadb-w1-diamond-a1", "mysql", 1, "2026-12-03T10:01:00+00:00", 700, 2.0);

        var lines = (await RunAsync()).Split('\n');

        Assert.Contains(lines, l => l.StartsWith("| MariaDB | 1 / 0 | 700 | — | — |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Summary_ARunWithNoFlows_IsListedAndLeavesItsCountOutOfTheComparisonAtTheSameSpeed()
    {
        // Every run of it failed: no flows/s to divide by, no CPU per flow for any process.
        Write("scaled-mariadb-w1-diamond-a1", "mysql", 1, "2026-12-03T10:01:00+00:00", 700, 2.0);
        Write("scaled-mariadb-w2-diamond-a1", "mysql", 2, "2026-12-03T10:03:00+00:00", 0, 1.0, apiMsPerFlow: null);

        var lines = (await RunAsync()).Split('\n');

        Assert.Contains(lines, l => l.StartsWith("| 10:03:00 | MariaDB | 2 | 0 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| MariaDB | 1 / 1 | 700 | 0 | 0 |", StringComparison.Ordinal) && l.EndsWith("| 5.71 | — | — |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Summary_NoAlternatedRuns_FailsSayingWhatItLookedFor()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(RunAsync);

        Assert.Contains("no scaled-*-wN-diamond-aK.json", error.Message, StringComparison.Ordinal);
    }

    private void Write(
        string name, string store, int workers, string started, double flowsPerSecond, double busyCores, double? apiMsPerFlow = 0.5, double apiJitMsPerFlow = 0)
    {
        var api = new JsonObject { ["name"] = "api", ["runsNodes"] = false, ["cpuMsPerFlow"] = apiMsPerFlow };
        if (apiJitMsPerFlow > 0)
        {
            api["countersPerFlow"] = new JsonObject { ["dotnet_jit_compilation_time_seconds_total"] = apiJitMsPerFlow / 1000 };
        }

        var processes = new JsonArray { api };
        for (var i = 1; i <= workers; i++)
        {
            processes.Add(new JsonObject { ["name"] = $"worker-{i}", ["runsNodes"] = true, ["cpuMsPerFlow"] = 0.2 });
        }

        var document = new JsonObject
        {
            ["startedAt"] = started,
            ["serveArgs"] = new JsonArray("--store", store),
            ["phases"] = new JsonArray
            {
                new JsonObject
                {
                    ["mode"] = "closed", ["flowsPerSecond"] = flowsPerSecond, ["errors"] = 0, ["dbTransactionsPerFlow"] = 0.2,
                    ["machineBusyCores"] = busyCores, ["processes"] = processes,
                },
                new JsonObject { ["mode"] = "open", ["flowsPerSecond"] = 1.0, ["processes"] = new JsonArray() },
            },
        };
        File.WriteAllText(Path.Combine(_directory, name + ".json"), document.ToJsonString());
    }

    private async Task<string> RunAsync()
    {
        var (exitCode, output, error) = await BenchScript.RunAsync("alternate-summary.sh", _directory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"exit {exitCode}: {error}"));
        }

        return output;
    }
}
