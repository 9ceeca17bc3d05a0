using System.ComponentModel;

namespace FlowForge.Nodes.Ai;

/// <summary>One chat message of <c>ai.chat</c>'s config.</summary>
public sealed record AiChatMessage(
    [property: Description("system, user or assistant.")] string Role,
    [property: Description("The message text; may hold {{ }} expressions.")] string Content);
