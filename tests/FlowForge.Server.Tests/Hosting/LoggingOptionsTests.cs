using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Hosting;

public sealed class LoggingOptionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-logging-");

    public void Dispose() => _folder.Delete(recursive: true);

    private WebApplication Build(params string[] settings) =>
        FlowForgeApp.Build(["--urls=http://127.0.0.1:0", $"--Storage:DataDirectory={_folder.FullName}", .. settings]);

    [Theory]
    [InlineData(null, false, "text")]
    [InlineData(null, true, "json")]
    [InlineData("", true, "json")]
    [InlineData("json", false, "json")]
    [InlineData(" TEXT ", true, "text")]
    public void ChooseFormat_ConfiguredOrByTerminal_PicksTheFormat(string? configured, bool redirected, string expected)
    {
        Assert.Equal(expected, LoggingOptions.ChooseFormat(configured, redirected));
    }

    [Fact]
    public void ChooseFormat_Unknown_NamesTheSettingAndTheChoices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LoggingOptions.ChooseFormat("xml", outputRedirected: false));

        Assert.Equal("Logging:Format (--log-format) is 'xml', which is not a log format; use text or json.", error.Message);
    }

    [Fact]
    public async Task Build_JsonFormat_UsesTheJsonConsoleFormatter()
    {
        await using var app = Build("--Logging:Format=json");

        Assert.Equal(ConsoleFormatterNames.Json, app.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
    }

    [Fact]
    public async Task Build_TextFormat_UsesShortSingleLines()
    {
        await using var app = Build("--Logging:Format=text");

        Assert.Equal(ConsoleFormatterNames.Simple, app.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        var simple = app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        Assert.True(simple.SingleLine);
        Assert.Equal("HH:mm:ss ", simple.TimestampFormat);
    }

    [Fact]
    public async Task Build_Defaults_KeepFrameworkRequestLogsAtWarningButLetSettingsOverride()
    {
        await using var quiet = Build();
        await using var chatty = Build("--Logging:LogLevel:Microsoft.AspNetCore=Information");

        Assert.Equal("Warning", quiet.Configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Information", chatty.Configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
    }
}
