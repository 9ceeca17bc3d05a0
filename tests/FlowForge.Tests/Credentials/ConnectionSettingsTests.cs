using FlowForge.Engine.Credentials;

namespace FlowForge.Tests.Credentials;

public sealed class ConnectionSettingsTests
{
    [Fact]
    public void Read_ObjectOfScalars_GivesStringsAndNumbersAsTheirTextAndLeavesOutTheRest()
    {
        var settings = ConnectionSettings.Read("""{"host":"smtp.example.com","port":587,"tls":true,"nested":{"a":1},"list":[1],"none":null}""");

        Assert.Equal(new Dictionary<string, string> { ["host"] = "smtp.example.com", ["port"] = "587", ["tls"] = "true" }, settings);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{not json")]
    public void Read_NothingOrNotAnObject_IsEmpty(string? json) => Assert.Empty(ConnectionSettings.Read(json));
}
