using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Hosting;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Samples values that cost a round trip (queue depth, outbox lag) every few seconds, so metric scrapes read a
/// number instead of calling the broker or the database. Each sample is one bounded, index-only count: the outbox is
/// counted up to <see cref="OutboxCountCap"/> without reading a row.
/// </summary>
public sealed class EngineGaugeSampler(IWorkQueue queue, IOutboxStore outbox, TimeProvider time) : BackgroundService
{
    /// <summary>The outbox lag is counted up to this many messages; more reads as this number.</summary>
    public const int OutboxCountCap = 10_000;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    if (queue is IQueueDepth depth)
                    {
                        EngineTelemetry.QueueDepth = await depth.GetDepthAsync(stoppingToken);
                    }

                    EngineTelemetry.OutboxPending = await outbox.CountPendingAsync(OutboxCountCap, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The broker or the database is unreachable: readiness reports it; the gauges keep their last values.
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
