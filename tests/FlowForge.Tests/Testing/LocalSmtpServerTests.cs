using FlowForge.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FlowForge.Tests.Testing;

public sealed class LocalSmtpServerTests
{
    [Fact]
    public async Task Send_WithRequiredCredentials_RecordsEnvelopeAndMessage()
    {
        await using var server = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = "s3cret" };
        await server.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync("mailer", "s3cret");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@example.test"));
        message.To.Add(MailboxAddress.Parse("to@example.test"));
        message.Subject = "Hello";
        message.Body = new TextPart("plain") { Text = ".leading dot\nsecond line" };
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
        await using var server = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = "s3cret" };
        await server.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("mailer", "wrong"));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Send_WithoutAuthWhenRequired_IsRefusedAndNotRecorded()
    {
        await using var server = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = "s3cret" };
        await server.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@example.test"));
        message.To.Add(MailboxAddress.Parse("to@example.test"));
        message.Body = new TextPart("plain") { Text = "hi" };

        await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(message));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Send_OverMaxMessageBytes_IsRefusedAndNotRecorded()
    {
        await using var server = new LocalSmtpServer { MaxMessageBytes = 2048 };
        await server.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@example.test"));
        message.To.Add(MailboxAddress.Parse("to@example.test"));
        message.Body = new TextPart("plain") { Text = string.Join("\n", Enumerable.Repeat(new string('x', 70), 100)) };

        await Assert.ThrowsAnyAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Send_ToRejectedRecipient_RecordsOnlyAcceptedOnes()
    {
        await using var server = new LocalSmtpServer { RejectedRecipients = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "nobody@example.test" } };
        await server.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@example.test"));
        message.To.Add(MailboxAddress.Parse("to@example.test"));
        message.To.Add(MailboxAddress.Parse("nobody@example.test"));
        message.Body = new TextPart("plain") { Text = "hi" };

        // MailKit refuses the whole message when a recipient is refused unless told otherwise; the server still saw both.
        await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Contains(server.Commands, command => command.Contains("nobody@example.test", StringComparison.Ordinal));
        Assert.Empty(server.Messages);
    }
}
