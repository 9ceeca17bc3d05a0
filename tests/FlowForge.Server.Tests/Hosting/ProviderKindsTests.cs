using FlowForge.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace FlowForge.Server.Tests.Hosting;

public sealed class ProviderKindsTests
{
    private static ProviderKinds Read(params (string Key, string Value)[] settings) =>
        ProviderKinds.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Read_Nothing_IsTheEmbeddedDefault()
    {
        var kinds = Read();

        Assert.Equal(new ProviderKinds(ServerRole.All, StoreKind.Sqlite, QueueKind.InProcess, CacheKind.Memory), kinds);
        Assert.True(kinds.SoleWorker);
        Assert.True(kinds.ServesApi);
        Assert.True(kinds.ExecutesWork);
    }

    [Fact]
    public void Read_WorkerOnSharedEngines_ExecutesButServesNoApi()
    {
        var kinds = Read(("Role", "Worker"), ("Storage:Provider", "postgres"), ("Queue:Provider", "rabbitmq"), ("Cache:Provider", "redis"));

        Assert.False(kinds.ServesApi);
        Assert.True(kinds.ExecutesWork);
        Assert.False(kinds.SoleWorker);
    }

    [Fact]
    public void Read_KindsInAnyCase_AreParsedToTheirEnums()
    {
        var kinds = Read(("Role", "ALL"), ("Storage:Provider", "MySQL"), ("Queue:Provider", "RabbitMQ"), ("Cache:Provider", " Redis "));

        Assert.Equal(new ProviderKinds(ServerRole.All, StoreKind.MySql, QueueKind.RabbitMq, CacheKind.Redis), kinds);
    }

    [Theory]
    [InlineData("Role", "scheduler", "Role (--role) is 'scheduler'")]
    [InlineData("Storage:Provider", "oracle", "Storage:Provider (--store) is 'oracle', which is not supported; use sqlite, postgres or mysql.")]
    [InlineData("Queue:Provider", "kafka", "Queue:Provider (--queue) is 'kafka'")]
    [InlineData("Cache:Provider", "memcached", "Cache:Provider (--cache) is 'memcached'")]
    [InlineData("Storage:Provider", "1", "Storage:Provider (--store) is '1'")]
    public void Read_UnknownKind_NamesTheOption(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ApiRoleWithInProcessQueue_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("Role", "api"), ("Storage:Provider", "postgres")));

        Assert.Contains("--queue rabbitmq", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WorkerRoleOnSqlite_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("Role", "worker"), ("Queue:Provider", "rabbitmq")));

        Assert.Contains("--store postgres or mysql", error.Message, StringComparison.Ordinal);
    }
}
