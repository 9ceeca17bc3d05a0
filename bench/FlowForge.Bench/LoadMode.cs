namespace FlowForge.Bench;

/// <summary>How a phase sends its runs.</summary>
public enum LoadMode
{
    /// <summary>N clients each start a run (202) and start the next one as soon as it is accepted; throughput from the server's timestamps.</summary>
    Closed,

    /// <summary>Starts (202) sent at a fixed rate whatever the answers; latency trigger → finish from the server's timestamps.</summary>
    Open,

    /// <summary>N clients each start a run with <c>Prefer: wait</c> and start the next one when the finished run comes back; latency is the client's.</summary>
    Wait,

    /// <summary>As <see cref="Wait"/> with one client: the latency of one request–response at a time.</summary>
    WaitSingle,
}
