namespace FlowForge.Server.Hosting;

/// <summary>Where the built web app is served from, bound to section <c>Web</c>.</summary>
public sealed class WebAppOptions
{
    public const string Section = "Web";

    /// <summary>
    /// The folder holding the built web app (<c>index.html</c> and <c>assets/</c>); relative paths are taken from the
    /// working directory. Empty: <c>wwwroot</c> beside the FlowForge binary. A folder without <c>index.html</c> serves no pages,
    /// only the API.
    /// </summary>
    public string Root { get; set; } = "";
}
