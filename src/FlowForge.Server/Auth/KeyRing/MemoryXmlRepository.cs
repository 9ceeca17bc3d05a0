using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace FlowForge.Server.Auth.KeyRing;

/// <summary>A key ring that lives and dies with a process that serves no API (workers protect nothing), so it writes no file anywhere.</summary>
internal sealed class MemoryXmlRepository : IXmlRepository
{
    private readonly ConcurrentQueue<XElement> _elements = new();

    public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements.Select(e => new XElement(e))];

    public void StoreElement(XElement element, string friendlyName) => _elements.Enqueue(new XElement(element));
}
