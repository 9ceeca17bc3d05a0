namespace FlowForge.Engine.Storage;

/// <summary>Whether a user is told, in the app and by email, when a run of one flow fails.</summary>
public sealed record FlowNotificationPreference(Guid UserId, Guid FlowId, bool InApp, bool Email);
