using System.CommandLine;
using System.CommandLine.Parsing;
using FlowForge.Server.Hosting;

namespace FlowForge.Server.Cli;

/// <summary>A command-line option that sets one configuration key (<c>--store</c> sets <c>Storage:Provider</c>).</summary>
internal sealed record SettingOption(Option Option, string Key)
{
    /// <summary>The <c>--Key=value</c> configuration argument when the option was given, else null.</summary>
    public string? ToConfigurationArgument(ParseResult parse) =>
        parse.GetResult(Option) is { Implicit: false, Tokens: [var value, ..] } ? $"--{Key}={value.Value}" : null;

    public static SettingOption Text(string name, string key, string helpName, string description) =>
        new(new Option<string>(name) { Description = description, HelpName = helpName }, key);

    public static SettingOption Number(string name, string key, string helpName, string description) =>
        new(new Option<int>(name) { Description = description, HelpName = helpName }, key);

    /// <summary>An option taking one of <paramref name="choices"/> (any case), offered by shell completion.</summary>
    public static SettingOption Choice(string name, string key, string description, IReadOnlyList<string> choices)
    {
        var option = new Option<string>(name) { Description = description, HelpName = string.Join('|', choices) };
        option.CompletionSources.Add([.. choices]);
        option.Validators.Add(result => CheckChoice(result, name, choices));
        return new(option, key);
    }

    /// <summary>
    /// A command that opens the store (serve, migrate): the server options, whose values join the pass-through
    /// <paramref name="settings"/> as configuration arguments handed to <paramref name="run"/>.
    /// </summary>
    public static Command ServerCommand(
        string name, string description, IReadOnlyList<string> settings, Func<List<string>, TextWriter, TextWriter, CancellationToken, Task<int>> run)
    {
        var options = ForServer();
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option.Option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            List<string> configuration = [.. options.Select(o => o.ToConfigurationArgument(parse)).OfType<string>(), .. settings];
            return run(configuration, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>The options of every command that opens the store: serve and migrate.</summary>
    public static IReadOnlyList<SettingOption> ForServer() =>
    [
        Text("--data", "Storage:DataDirectory", "DIR", "Folder of the SQLite store, created when missing [default: ./data]"),
        Text("--urls", "urls", "URL", $"Where to listen, ';'-separated [default: {ServeCommand.DefaultUrls}]"),
        Choice("--role", ProviderKinds.RoleKey, "all does everything; api accepts runs; worker executes them [default: all]", ProviderKinds.Names<ServerRole>()),
        Choice("--store", ProviderKinds.StoreKey, "The database [default: sqlite]", ProviderKinds.Names<StoreKind>()),
        Text("--store-connection", "Storage:ConnectionString", "CS", "Connection string of the database (postgres and mysql)"),
        Number("--state-shards", "Storage:Shards", "N", "How many databases runs are spread over [default: 1]"),
        Choice("--queue", ProviderKinds.QueueKey, "How work reaches workers [default: inprocess]", ProviderKinds.Names<QueueKind>()),
        Text("--queue-connection", "Queue:ConnectionString", "URI", "AMQP URI of the broker (rabbitmq)"),
        Text("--worker-shards", "Queue:ConsumeShards", "LIST", "Shards whose work queues this worker consumes, e.g. 0,2 (rabbitmq) [default: all]"),
        Choice("--cache", ProviderKinds.CacheKey, "Where plans, rate limits and run events are shared [default: memory]", ProviderKinds.Names<CacheKind>()),
        Text("--cache-connection", "Cache:ConnectionString", "CS", "Redis configuration, e.g. redis:6379 (redis)"),
        Choice("--log-format", "Logging:Format", "Console log format [default: text on a terminal, else json]", [LoggingOptions.Text, LoggingOptions.Json]),
    ];

    private static void CheckChoice(OptionResult result, string name, IReadOnlyList<string> choices)
    {
        if (result.Tokens is [var token, ..] && !choices.Contains(token.Value.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            result.AddError($"{name} '{token.Value}' is not supported; use {string.Join(", ", choices)}.");
        }
    }
}
