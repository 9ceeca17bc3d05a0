namespace FlowForge.Nodes.Http;

/// <summary>The names <see cref="AddressRules.Classify"/> gives internal addresses; they appear in refusal messages.</summary>
public static class AddressKinds
{
    public const string Loopback = "loopback";
    public const string Private = "private";
    public const string LinkLocal = "link-local";
    public const string Metadata = "cloud metadata";
    public const string UniqueLocal = "unique local";
    public const string CarrierGradeNat = "carrier-grade NAT";
    public const string Unspecified = "unspecified";
    public const string Multicast = "multicast";
    public const string Broadcast = "broadcast";
    public const string Reserved = "reserved";
}
