namespace FlowForge.Server.Auth.KeyRing;

/// <summary>
/// Where the data-protection key ring lives; bound to configuration section <c>DataProtection</c> (not named after it:
/// ASP.NET Core's own <c>DataProtectionOptions</c> is in scope wherever this is used).
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// A folder for the key ring instead of the database (keys encrypted there alike, with the key-ring secret). Every
    /// process of the deployment must see the same folder; empty keeps the ring in the database.
    /// </summary>
    public string? KeysFolder { get; set; }
}
