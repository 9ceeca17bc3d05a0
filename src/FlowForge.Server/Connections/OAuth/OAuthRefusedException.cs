namespace FlowForge.Server.Connections.OAuth;

/// <summary>A token endpoint refused the grant (<c>invalid_grant</c>, Slack's <c>ok:false</c>…): retrying will not help.</summary>
internal sealed class OAuthRefusedException(string error, string? description)
    : Exception(description is null ? error : $"{error}: {description}")
{
    public string Error { get; } = error;

    /// <summary>The provider's reason, as the user is shown it.</summary>
    public string Reason => Message;
}
