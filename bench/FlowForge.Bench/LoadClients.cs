namespace FlowForge.Bench;

/// <summary>The command-line names of <see cref="LoadClient"/>.</summary>
public static class LoadClients
{

    public static string Name(LoadClient client) => client == LoadClient.Raw ? "raw" : "httpclient";

    public static LoadClient Parse(string name) => name switch
    {
        "raw" => LoadClient.Raw,
        "httpclient" => LoadClient.HttpClient,
        _ => throw new ArgumentException($"Unknown client '{name}'. Clients: raw, httpclient."),
    };
}
