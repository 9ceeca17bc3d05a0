namespace FlowForge.Server.Hosting;

/// <summary>Where node types built outside FlowForge are loaded from, bound to section <c>Plugins</c>.</summary>
public sealed class PluginOptions
{
    public const string Section = "Plugins";

    /// <summary>
    /// The plugins folder; relative paths are taken from the working directory. Each subfolder holds one plugin
    /// (a <c>dotnet build -o</c> output), and each <c>.dll</c> directly inside is a plugin of its own. A missing folder
    /// loads nothing unless <see cref="Required"/>; an empty value turns plugins off.
    /// </summary>
    public string Directory { get; set; } = "plugins";

    /// <summary>True when flows depend on plugins: a missing <see cref="Directory"/> then stops start-up instead of loading nothing.</summary>
    public bool Required { get; set; }
}
