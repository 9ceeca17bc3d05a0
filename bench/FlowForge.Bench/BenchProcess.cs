using System.Diagnostics;

namespace FlowForge.Bench;

/// <summary>A FlowForge process under load: started by the bench (with <see cref="Process"/>) or given by pid.</summary>
public sealed record BenchProcess(string Name, Process? Process, int? Pid, string Url);
