namespace FlowForge.Server.Tests.Bench;

/// <summary>
/// <c>bench/broker-pause.sh</c> refuses what it cannot run before it starts any server: a pause it could not bound, an
/// offset that is no number, an option it does not know.
/// </summary>
public sealed class BrokerPauseScriptTests
{
    [Theory]
    [InlineData("--seconds", "0", "--seconds takes 1 to 60")]
    [InlineData("--seconds", "61", "--seconds takes 1 to 60")]
    [InlineData("--seconds", "ten", "--seconds takes 1 to 60")]
    [InlineData("--after", "-5", "--after takes 1 to 999 seconds")]
    [InlineData("--out", "", "--out takes a folder")]
    [InlineData("--pause", "10", "usage: bench/broker-pause.sh")]
    public async Task BadArgument_ExitsTwoWithWhatItTakes(string option, string value, string message)
    {
        var (exitCode, output, error) = await BenchScript.RunAsync("broker-pause.sh", option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Empty(output);
    }
}
