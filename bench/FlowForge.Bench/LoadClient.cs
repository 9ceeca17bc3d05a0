namespace FlowForge.Bench;

/// <summary>How the load modes send their starts (<c>--client</c>).</summary>
public enum LoadClient
{
    /// <summary>Keep-alive sockets, each start's bytes built once per phase, a small strict answer parser: a few microseconds of the bench's CPU per start.</summary>
    Raw,

    /// <summary><see cref="HttpClient"/>, as before the raw client (about 0.09 ms of the bench's CPU per start on the bench machine).</summary>
    HttpClient,
}
