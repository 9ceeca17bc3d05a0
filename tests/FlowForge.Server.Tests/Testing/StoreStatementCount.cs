using System.Diagnostics.Metrics;
using FlowForge.Engine.Runs;

namespace FlowForge.Server.Tests.Testing;

/// <summary>Counts <c>flowforge.store.round_trips</c> (every statement sent to the database) from its creation on.</summary>
internal sealed class StoreStatementCount : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _value;

    public StoreStatementCount()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineTelemetry.Name && instrument.Name == "flowforge.store.round_trips")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => Interlocked.Add(ref _value, measurement));
        _listener.Start();
    }

    public long Value => Interlocked.Read(ref _value);

    public void Dispose() => _listener.Dispose();
}
