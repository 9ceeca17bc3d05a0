namespace FlowForge.Bench.Http;

/// <summary>Starts runs of one phase's flow: each closed-loop client has one of its own, the open loop shares a pooled one.</summary>
public interface IRunStarts : IDisposable
{
    /// <summary>True when <see cref="StartAsync"/> completes on the calling thread (its caller gives it a thread of its own).</summary>
    bool Blocking { get; }

    /// <summary>Starts one run; true when it was answered as expected, else the error is counted.</summary>
    ValueTask<bool> StartAsync();
}
