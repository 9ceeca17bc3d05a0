namespace FlowForge.Providers.Tests.Throughput;

/// <summary>
/// A measurement run by hand, never in the normal test run (its figure depends on the machine):
/// <c>FLOWFORGE_MANUAL_CHECKS=1 dotnet test tests/FlowForge.Providers.Tests --filter Category=Manual --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ManualFactAttribute : FactAttribute
{
    public const string Variable = "FLOWFORGE_MANUAL_CHECKS";

    public ManualFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Measured by hand: set {Variable}=1.";
        }
    }
}
