using FlowForge.Scaling.Rabbit;

namespace FlowForge.Scaling.Tests.Rabbit;

public sealed class RabbitOptionsTests
{
    [Fact]
    public void Validate_Defaults_NeedOnlyAConnectionString()
    {
        var options = new RabbitOptions { ConnectionString = "amqp://guest:guest@localhost:5672/" };

        options.Validate();

        Assert.Equal("flowforge.work", options.QueueName);
        Assert.Equal(64, options.Prefetch);
        Assert.Equal(5, options.DeliveryLimit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost:5672")]
    [InlineData("http://localhost:5672/")]
    public void Validate_NoAmqpUri_NamesTheSetting(string? connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RabbitOptions { ConnectionString = connectionString }.Validate());

        Assert.Contains("Queue:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadUri_DoesNotRepeatThePassword()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RabbitOptions { ConnectionString = "http://user:s3cret@host/" }.Validate());

        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(70_000, 5)]
    [InlineData(64, 0)]
    public void Validate_PrefetchOrDeliveryLimitOutOfRange_NamesTheSetting(int prefetch, int deliveryLimit)
    {
        var options = new RabbitOptions { ConnectionString = "amqp://localhost/", Prefetch = prefetch, DeliveryLimit = deliveryLimit };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains(prefetch is < 1 or > 65_535 ? "Queue:Prefetch" : "Queue:DeliveryLimit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0,3")]
    [InlineData("a")]
    [InlineData("-1")]
    [InlineData("0,,1")]
    public void Validate_ConsumeShardsNotShardsOfTheStore_NamesTheSetting(string consumeShards)
    {
        var options = new RabbitOptions { ConnectionString = "amqp://localhost/", Shards = 3, ConsumeShards = consumeShards };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Queue:ConsumeShards", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, new[] { 0, 1, 2 })]
    [InlineData("", new[] { 0, 1, 2 })]
    [InlineData(" 2,0 ,2", new[] { 0, 2 })]
    public void ConsumedShards_ListOrAll_ReturnsTheShardsInOrder(string? consumeShards, int[] expected)
    {
        var options = new RabbitOptions { ConnectionString = "amqp://localhost/", Shards = 3, ConsumeShards = consumeShards };

        Assert.Equal(expected, options.ConsumedShards());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public void Validate_ShardsOutOfRange_NamesTheSetting(int shards)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RabbitOptions { ConnectionString = "amqp://localhost/", Shards = shards }.Validate());

        Assert.Contains("Queue:Shards", error.Message, StringComparison.Ordinal);
    }
}
