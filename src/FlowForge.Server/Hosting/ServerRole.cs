namespace FlowForge.Server.Hosting;

/// <summary>What a process does: everything (embedded default), only accept runs (api), or only execute them (worker).</summary>
public enum ServerRole
{
    All,
    Api,
    Worker,
}
