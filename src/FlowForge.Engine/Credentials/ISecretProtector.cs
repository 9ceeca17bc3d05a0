namespace FlowForge.Engine.Credentials;

/// <summary>
/// Seals and opens connection secrets with authenticated encryption under the deployment's key ring (shared by every
/// process; rotated keys still open what older keys sealed). A tampered or foreign value fails to open.
/// </summary>
public interface ISecretProtector
{
    byte[] Protect(IReadOnlyDictionary<string, string> secret);

    /// <summary>Throws <see cref="System.Security.Cryptography.CryptographicException"/> when the value was not sealed by this key ring or was changed.</summary>
    IReadOnlyDictionary<string, string> Unprotect(byte[] protectedSecret);
}
