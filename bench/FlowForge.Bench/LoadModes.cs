namespace FlowForge.Bench;

/// <summary>The command-line names of <see cref="LoadMode"/>.</summary>
public static class LoadModes
{
    public static IReadOnlyList<LoadMode> All { get; } = [LoadMode.Closed, LoadMode.Open, LoadMode.Wait, LoadMode.WaitSingle];

    public static string Name(LoadMode mode) => mode switch
    {
        LoadMode.Closed => "closed",
        LoadMode.Open => "open",
        LoadMode.Wait => "wait",
        _ => "wait-1",
    };

    public static LoadMode Parse(string name) =>
        All.Where(m => Name(m) == name).Select(m => (LoadMode?)m).FirstOrDefault()
            ?? throw new ArgumentException($"Unknown mode '{name}'. Modes: {string.Join(", ", All.Select(Name))}, all.");
}
