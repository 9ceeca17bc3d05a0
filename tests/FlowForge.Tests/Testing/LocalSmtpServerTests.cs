using FlowForge.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FlowForge.Tests.Testing;

public sealed class LocalSmtpServerTests
{
    private static LocalSmtpServer WithCredentials() => new() { RequiredUser = "mailer", RequiredPassword = "s3cret" };

    /// <summary>Starts <paramref name="server"/> and connects a client to it, without signing in.</summary>
    private static async Task<SmtpClient> ConnectAsync(LocalSmtpServer server)
    {
        await server.StartAsync();
        var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        return client;
    }

    private static MimeMessage Message(string text, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@example.test"));
        foreach (var recipient in to.DefaultIfEmpty("to@example.test"))
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    [Fact]
    public async Task Send_WithRequiredCredentials_RecordsEnvelopeAndMessage()
    {
        await using var server = WithCredentials();
        using var client = await ConnectAsync(server);
        await client.AuthenticateAsync("mailer", "s3cret");
        var message = Message(".leading dot\nsecond line");
        message.Subject = "Hello";
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        var received = Assert.Single(server.Messages);
        Assert.Equal("from@example.test", received.MailFrom);
        Assert.Equal(["to@example.test"], received.Recipients);
        Assert.Equal("mailer", received.AuthenticatedUser);
        Assert.Equal("Hello", received.Header("Subject"));
        using var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(received.Data));
        var parsed = await MimeMessage.LoadAsync(data);
        Assert.Equal(".leading dot\nsecond line", parsed.TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public async Task Authenticate_WrongPassword_IsRefused()
    {
        await using var server = WithCredentials();
        using var client = await ConnectAsync(server);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("mailer", "wrong"));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Send_WithoutAuthWhenRequired_IsRefusedAndNotRecorded()
    {
        await using var server = WithCredentials();
        using var client = await ConnectAsync(server);

        await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(Message("hi")));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Send_OverMaxMessageBytes_IsRefusedAndNotRecorded()
    {
        await using var server = new LocalSmtpServer { MaxMessageBytes = 2048 };
        using var client = await ConnectAsync(server);

        await Assert.ThrowsAnyAsync<SmtpCommandException>(() => client.SendAsync(Message(string.Join("\n", Enumerable.Repeat(new string('x', 70), 100)))));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Send_ToRejectedRecipient_RecordsOnlyAcceptedOnes()
    {
        await using var server = new LocalSmtpServer { RejectedRecipients = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "nobody@example.test" } };
        using var client = await ConnectAsync(server);

        // MailKit refuses the whole message when a recipient is refused unless told otherwise; the server still saw both.
        await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("hi", "to@example.test", "nobody@example.test")));
        Assert.Contains(server.Commands, command => command.Contains("nobody@example.test", StringComparison.Ordinal));
        Assert.Empty(server.Messages);
    }
}
