namespace FlowForge.Engine.Runs;

/// <summary>A run start that names no usable trigger; <see cref="Exception.Message"/> says which to name.</summary>
public sealed class TriggerChoiceException(string message) : Exception(message)
{
    /// <summary>The request field that picks the trigger.</summary>
    public const string Field = "trigger";
}
