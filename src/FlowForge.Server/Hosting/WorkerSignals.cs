using System.Runtime.InteropServices;
using FlowForge.Engine.Queueing;
using Microsoft.Extensions.Hosting;

namespace FlowForge.Server.Hosting;

/// <summary>
/// A worker process on a broker's queue goes quiet on <c>SIGTSTP</c> (takes no new work, finishes what it holds, keeps
/// its other duties) and consumes again on <c>SIGCONT</c>: <c>kill -TSTP PID</c> before maintaining one worker,
/// <c>kill -CONT PID</c> after. <c>SIGTERM</c> still stops it, draining the same way.
/// </summary>
public sealed class WorkerSignals(ConsumerQuiet quiet) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _quiet;
    private PosixSignalRegistration? _resume;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _quiet = PosixSignalRegistration.Create(PosixSignal.SIGTSTP, OnSignal);
            _resume = PosixSignalRegistration.Create(PosixSignal.SIGCONT, OnSignal);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _quiet?.Dispose();
        _resume?.Dispose();
    }

    /// <summary>What a signal does; <see cref="PosixSignalContext.Cancel"/> keeps <c>SIGTSTP</c> from stopping the process.</summary>
    private void OnSignal(PosixSignalContext context)
    {
        if (context.Signal == PosixSignal.SIGTSTP)
        {
            context.Cancel = true;
            quiet.Set(true);
        }
        else if (context.Signal == PosixSignal.SIGCONT)
        {
            quiet.Set(false);
        }
    }
}
