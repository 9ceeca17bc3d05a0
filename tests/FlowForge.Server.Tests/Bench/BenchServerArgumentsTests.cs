using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

public sealed class BenchServerArgumentsTests
{
    private static readonly BenchOptions Options = BenchOptions.Parse(
        ["--workers", "2", "--serve-arg", "--store", "--serve-arg", "postgres", "--worker-arg", "--Storage:GroupCommit:MaxWait=00:00:00.002",
            "--api-arg", "--Storage:GroupCommit:Writers=2"]);

    [Fact]
    public void Parse_WorkerArg_KeepsItApartFromTheServeArgs()
    {
        Assert.Equal(["--store", "postgres"], Options.ServeArgs);
        Assert.Equal(["--Storage:GroupCommit:MaxWait=00:00:00.002"], Options.WorkerArgs);
    }

    [Fact]
    public void ServeArguments_Worker_GetsTheWorkerArgsAfterTheServeArgs()
    {
        var arguments = BenchServer.ServeArguments(Options, "http://127.0.0.1:1", ["--role", "worker"]);

        // The worker's own arguments end the command line, after the role and the arguments every process gets.
        Assert.Equal(["--role", "worker", "--store", "postgres", "--Storage:GroupCommit:MaxWait=00:00:00.002"], arguments.TakeLast(5));
    }

    [Theory]
    [InlineData("api")]
    [InlineData(null)]
    public void ServeArguments_ApiOrEmbedded_DoesNotGetTheWorkerArgsAndOnlyTheApiItsOwn(string? role)
    {
        string[] roleArguments = role is null ? ["--data", "/tmp/x"] : ["--role", role];

        var arguments = BenchServer.ServeArguments(Options, "http://127.0.0.1:1", roleArguments);

        Assert.DoesNotContain("--Storage:GroupCommit:MaxWait=00:00:00.002", arguments);
        Assert.Equal(role == "api" ? "--Storage:GroupCommit:Writers=2" : "postgres", arguments[^1]);
    }

    [Fact]
    public void ServeArguments_Worker_DoesNotGetTheApiArgs()
    {
        var arguments = BenchServer.ServeArguments(Options, "http://127.0.0.1:1", ["--role", "worker"]);

        Assert.DoesNotContain("--Storage:GroupCommit:Writers=2", arguments);
    }

    [Fact]
    public void ServeArguments_Api_GetsTheApiArgsAfterTheServeArgs()
    {
        var arguments = BenchServer.ServeArguments(Options, "http://127.0.0.1:1", ["--role", "api"]);

        Assert.Equal(["--role", "api", "--store", "postgres", "--Storage:GroupCommit:Writers=2"], arguments.TakeLast(5));
    }
}
