namespace FlowForge.Testing;

/// <summary>The folder of FlowForge.slnx above the test assembly: where tests find the repository's scripts and samples.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (var depth = 0; directory is not null && depth < 12; depth++, directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "FlowForge.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FlowForge.slnx above {AppContext.BaseDirectory}.");
    }
}
