using FlowForge.Engine.Queueing;
using Microsoft.Extensions.Hosting;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Samples values that cost a round trip (queue depth) every few seconds, so metric scrapes read a number
/// instead of calling the broker.
/// </summary>
public sealed class EngineGaugeSampler(IWorkQueue queue, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (queue is not IQueueDepth depth)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    EngineTelemetry.QueueDepth = await depth.GetDepthAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The broker is unreachable: readiness reports it; the gauge keeps its last value.
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
