namespace FlowForge.Bench.Http;

/// <summary>Starts runs of one phase's flow: each closed-loop client has one of its own, the open loop shares a pooled one.</summary>
public interface IRunStarts : IDisposable
{
    /// <summary>Starts one run; true when it was answered as expected, else the error is counted.</summary>
    ValueTask<bool> StartAsync();
}
