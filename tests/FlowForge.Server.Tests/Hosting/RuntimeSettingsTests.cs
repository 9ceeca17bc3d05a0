using System.Text.Json;

namespace FlowForge.Server.Tests.Hosting;

/// <summary>The runtime defaults the server's build writes into <c>flowforge.runtimeconfig.json</c> (docs/configuration.md, "Runtime settings").</summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "flowforge.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void RuntimeConfig_Gc_IsWorkstationWithConserveMemorySeven()
    {
        var properties = ConfigProperties();

        Assert.Equal(JsonValueKind.False, properties.GetProperty("System.GC.Server").ValueKind);
        Assert.Equal(7, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }

    [Fact]
    public void RuntimeConfig_ThreadPool_DoesNotSpinBeforeSleeping()
    {
        var properties = ConfigProperties();

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
