using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Triggers;

[NodeType("trigger.schedule", "Schedule Trigger", Icon = "clock", Category = NodeCategory.Trigger, Pure = true, PassesRunInput = true,
    Description = "Starts the flow on a schedule while the flow is active: a cron expression (with seconds, in a time zone) or a fixed interval. Each due time fires once, however many workers run; after downtime, 'missed' says whether to skip the missed times or run once for them. Passes { dueAt, firedAt, missed } on.")]
public sealed class ScheduleTriggerNode : Node<ScheduleTriggerNode.Settings>
{
    public const long MaxEveryMs = 30L * 24 * 60 * 60 * 1000;

    public const string MissedSkip = "skip";
    public const string MissedRunOnce = "runOnce";

    private readonly IOptions<ScheduleOptions> _options;

    /// <summary>With the default <see cref="ScheduleOptions"/>, where none are registered (tools that only read flows).</summary>
    public ScheduleTriggerNode()
        : this(Options.Create(new ScheduleOptions()))
    {
    }

    public ScheduleTriggerNode(IOptions<ScheduleOptions> options) => _options = options;

    public sealed record Settings(string? Cron = null, long? EveryMs = null, string? TimeZone = null, string Missed = MissedSkip);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Success(context.RunInput?.DeepClone() ?? new JsonObject()));

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.Missed is not (MissedSkip or MissedRunOnce))
        {
            yield return new ConfigProblem("$.missed", $"missed must be \"{MissedSkip}\" or \"{MissedRunOnce}\", but it is \"{settings.Missed}\"");
        }

        if (Schedule.TryCreate(settings, _options.Value.MinIntervalMs, out var problem) is null)
        {
            yield return problem!;
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        if (properties["cron"] is JsonObject cron)
        {
            cron["description"] = "Cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. \"0 */5 * * * *\". Set this or everyMs.";
        }

        if (properties["everyMs"] is JsonObject every)
        {
            every["minimum"] = _options.Value.MinIntervalMs;
            every["maximum"] = MaxEveryMs;
            every["description"] = "Fire every this many milliseconds (counted from 1970-01-01 UTC). Set this or cron.";
        }

        if (properties["timeZone"] is JsonObject zone)
        {
            zone["description"] = "IANA time zone the cron expression is read in (default UTC); daylight saving changes are followed.";
        }

        if (properties["missed"] is JsonObject missed)
        {
            missed["enum"] = new JsonArray(MissedSkip, MissedRunOnce);
            missed["description"] = "After downtime: \"skip\" the missed due times, or \"runOnce\" for all of them.";
        }
    }
}
