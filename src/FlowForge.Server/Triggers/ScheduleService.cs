using FlowForge.Nodes.Triggers;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Triggers;

/// <summary>Fires schedule triggers on worker and embedded processes: a pass every <see cref="ScheduleOptions.PollIntervalMs"/>.</summary>
internal sealed partial class ScheduleService(ScheduleFirer firer, TimeProvider time, IOptions<ScheduleOptions> options, ILogger<ScheduleService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var interval = TimeSpan.FromMilliseconds(options.Value.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await firer.FireDueAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store outage must not end the loop: the next pass retries, and unclaimed due times are still owed.
                LogPassFailed(logger, ex);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A schedule pass failed; the next one retries.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
