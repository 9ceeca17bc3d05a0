using System.Xml.Linq;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace FlowForge.Server.Auth.KeyRing;

/// <summary>The data-protection key ring in the FlowForge database, so every API process shares it and nothing is written to the home directory.</summary>
internal sealed class DatabaseXmlRepository(IAuthStore store, TimeProvider time) : IXmlRepository
{
    public const string Purpose = "data-protection";

    // IXmlRepository is synchronous. Data protection reads the ring at start-up and then about once a day, and
    // writes only when it creates a key, so these rare calls block a thread-pool thread briefly.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.ListKeysAsync(Purpose, CancellationToken.None).GetAwaiter().GetResult().Select(k => XElement.Parse(k.Material))];

    public void StoreElement(XElement element, string friendlyName) =>
        store.TryAddKeyAsync(new StoredKey(Purpose, friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow()), CancellationToken.None)
            .GetAwaiter().GetResult();
}
