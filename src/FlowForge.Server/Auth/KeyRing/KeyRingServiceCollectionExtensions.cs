using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;
using FlowForge.Server.Connections;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth.KeyRing;

internal static class KeyRingServiceCollectionExtensions
{
    /// <summary>
    /// Data protection on the deployment's shared key ring, for every process role (api processes protect signing keys,
    /// workers open connection secrets): in the database, or in <see cref="KeyRingOptions.KeysFolder"/> when set; each key
    /// encrypted with the key-ring secret either way. Also the connection secret protector built on it.
    /// </summary>
    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services, ProviderKinds kinds)
    {
        services.TryAddSingleton(kinds);
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        services.AddValidatedOptions<KeyRingOptions, KeyRingOptionsValidator>(KeyRingOptions.Section);
        services.TryAddSingleton<KeyRingSecret>();
        services.AddDataProtection().SetApplicationName("flowforge");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            var folder = sp.GetRequiredService<IOptions<KeyRingOptions>>().Value.KeysFolder;
            o.XmlRepository = string.IsNullOrWhiteSpace(folder)
                ? new DatabaseXmlRepository(sp.GetRequiredService<IAuthStore>(), sp.GetRequiredService<TimeProvider>())
                : new FileSystemXmlRepository(new DirectoryInfo(Path.GetFullPath(folder)), sp.GetRequiredService<ILoggerFactory>());
            o.XmlEncryptor = new KeyRingEncryptor(sp.GetRequiredService<KeyRingSecret>());
        });
        services.TryAddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        return services;
    }
}
