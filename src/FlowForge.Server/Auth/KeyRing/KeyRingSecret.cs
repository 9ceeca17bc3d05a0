using System.Security.Cryptography;
using System.Text;
using FlowForge.Server.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth.KeyRing;

/// <summary>
/// The key that encrypts the data-protection key ring kept in the database: from <see cref="AuthOptions.KeyRingSecret"/>,
/// or, on the embedded default (SQLite), from a secret generated once into the data folder. Read on first use.
/// </summary>
internal sealed class KeyRingSecret
{
    public const int MinLength = 32;
    public const string FileName = "keyring.secret";

    private readonly Lazy<byte[]> _key;

    public KeyRingSecret(IOptions<AuthOptions> options, ProviderKinds kinds, IConfiguration configuration)
    {
        _key = new Lazy<byte[]>(() => Derive(options.Value.KeyRingSecret ?? ReadOrCreateFile(kinds, configuration)));
    }

    /// <summary>A 256-bit AES key.</summary>
    public byte[] Key => _key.Value;

    private static byte[] Derive(string secret) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: "flowforge key ring v1"u8.ToArray());

    private static string ReadOrCreateFile(ProviderKinds kinds, IConfiguration configuration)
    {
        var directory = ProviderSelection.StorageOptions(configuration, kinds, "data").DataDirectory;
        if (kinds.Store != StoreKind.Sqlite || directory is null)
        {
            throw new InvalidOperationException(
                $"{AuthOptions.Section}:{nameof(AuthOptions.KeyRingSecret)} is required when the store is shared ({kinds.Store.ToString().ToLowerInvariant()}): set the same random value of at least {MinLength} characters on every API process (FLOWFORGE_Auth__KeyRingSecret).");
        }

        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            var created = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, fileOptions))
            {
                stream.Write(Encoding.UTF8.GetBytes(created));
            }

            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process of this data folder created it first.
            return File.ReadAllText(path).Trim();
        }
    }
}
