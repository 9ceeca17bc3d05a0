using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Http;
using FlowForge.Nodes.Integrations;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Email;

[NodeType("email.send", "Send Email (SMTP)", Icon = "mail", Category = NodeCategory.Action, Provider = "smtp",
    Description = "Sends an email through the SMTP server of an smtp connection (host, port and security none/starttls/tls from its settings, username and password from its secret) and outputs { messageId, accepted, rejected }. Servers on internal addresses are refused unless Http:AllowPrivateNetworks or Http:AllowedHosts allow them.")]
public sealed class EmailSendNode(IOptions<IntegrationsOptions> options, SsrfGuard guard) : Node<EmailSendNode.Settings>
{
    public sealed record Settings(
        [property: Description("The SMTP connection to send through.")] string ConnectionId,
        [property: Description("The sender, such as Alerts <alerts@example.com>.")] string From,
        [property: Description("Recipients; each entry may hold several, comma-separated.")] IReadOnlyList<string> To,
        [property: Description("The subject line.")] string? Subject = null,
        [property: Description("The plain-text body.")] string? Text = null,
        [property: Description("The HTML body.")] string? Html = null,
        [property: Description("Copy recipients.")] IReadOnlyList<string>? Cc = null,
        [property: Description("Hidden recipients (not shown in the message).")] IReadOnlyList<string>? Bcc = null,
        [property: Description("How long connecting and sending may take, in milliseconds.")] int TimeoutMs = DefaultTimeoutMs);

    public const int DefaultTimeoutMs = 30_000;

    public const int MaxTimeoutMs = 10 * 60 * 1000;

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var message = MailComposer.Build(settings.From, settings.To, settings.Cc, settings.Bcc, settings.Subject, settings.Text, settings.Html, context.Time.GetUtcNow());
        var size = MailComposer.Measure(message);
        if (size > limits.MaxMessageBytes)
        {
            return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"The email is {size:N0} bytes, larger than {IntegrationsOptions.Section}:{nameof(IntegrationsOptions.MaxMessageBytes)} ({limits.MaxMessageBytes:N0} bytes); shorten text or html."));
        }

        Server server;
        try
        {
            var connection = await IntegrationApi.ConnectAsync(context, settings.ConnectionId, "smtp", cancellationToken).ConfigureAwait(false);
            var fields = await connection.ReadFieldsAsync(cancellationToken).ConfigureAwait(false);
            if (Server.From(fields, connection.Name) is not { } parsed)
            {
                return NodeResult.Fail(Server.Problem(fields, connection.Name));
            }

            server = parsed;
        }
        catch (ConnectionUnusableException ex)
        {
            return NodeResult.Fail(ex.Message);
        }

        var what = $"Sending email through {server.Host}:{server.Port.ToString(CultureInfo.InvariantCulture)}";
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(settings.TimeoutMs), context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var client = new RecipientTrackingSmtpClient { Timeout = settings.TimeoutMs };
        try
        {
            var addresses = await guard.AllowedAddressesAsync(server.Host, linked.Token).ConfigureAwait(false);
            var socket = await ConnectAsync(addresses, server.Port, linked.Token).ConfigureAwait(false);
            await client.ConnectAsync(socket, server.Host, server.Port, server.Security, linked.Token).ConfigureAwait(false);
            if (server.Username is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, server.Password ?? "", linked.Token).ConfigureAwait(false);
            }

            await client.SendAsync(message, linked.Token).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return NodeResult.Fail($"{what} timed out after {settings.TimeoutMs} ms (timeoutMs).", retryable: true);
        }
        catch (DestinationRefusedException ex)
        {
            return NodeResult.Fail($"{what} was refused: {ex.Message}");
        }
        catch (AuthenticationException)
        {
            return NodeResult.Fail($"{what}: the server refused the connection's username or password; fix them on the connection.");
        }
        catch (SslHandshakeException ex)
        {
            return NodeResult.Fail($"{what}: the TLS handshake failed ({ex.Message.Split('\n')[0].Trim()}); check the connection's security and port.");
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted || client.Accepted.Count == 0 && client.Rejected.Count > 0)
        {
            return NodeResult.Fail($"{what}: the server accepted none of the recipients ({Rejections(client)}).");
        }
        catch (SmtpCommandException ex)
        {
            // 4xx replies are temporary by definition (RFC 5321); 5xx are not.
            var code = (int)ex.StatusCode;
            return NodeResult.Fail($"{what} failed: the server answered {code} {ex.Message}", retryable: code is >= 400 and < 500);
        }
        catch (NotSupportedException ex) when (server.Security == SecureSocketOptions.StartTls)
        {
            return NodeResult.Fail($"{what} failed: {ex.Message} Set the connection's security to none or ssl if that is intended.");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or HttpRequestException)
        {
            return NodeResult.Fail($"{what} failed: {ex.Message}", retryable: true);
        }

        return NodeResult.Success(new JsonObject
        {
            ["messageId"] = message.MessageId,
            ["accepted"] = new JsonArray([.. client.Accepted.Select(a => JsonValue.Create(a))]),
            ["rejected"] = new JsonArray([.. client.Rejected.Select(r => new JsonObject { ["address"] = r.Address, ["reason"] = r.Reason })]),
        });
    }

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionId))
        {
            yield return new ConfigProblem("$.connectionId", "connectionId is empty; pick an SMTP connection");
        }

        if (settings.TimeoutMs is < 1 or > MaxTimeoutMs)
        {
            yield return new ConfigProblem("$.timeoutMs", $"timeoutMs must be between 1 and {MaxTimeoutMs}, but it is {settings.TimeoutMs}");
        }

        foreach (var problem in MailComposer.Check(settings.From, fromRequired: true, settings.To, settings.Cc, settings.Bcc,
            settings.Subject, settings.Text, settings.Html, options.Value.MaxRecipients))
        {
            yield return problem;
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["timeoutMs"] is JsonObject timeout)
        {
            timeout["minimum"] = 1;
            timeout["maximum"] = MaxTimeoutMs;
        }
    }

    private static string Rejections(RecipientTrackingSmtpClient client) =>
        string.Join("; ", client.Rejected.Select(r => $"{r.Address}: {r.Reason}"));

    // Connects to an address the guard checked, so a second DNS answer cannot lead elsewhere; TLS still checks the host name.
    private static async Task<Socket> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>The SMTP server an smtp connection names in its fields.</summary>
    private sealed record Server(string Host, int Port, SecureSocketOptions Security, string? Username, string? Password)
    {
        public static Server? From(IReadOnlyDictionary<string, string> fields, string connectionName)
        {
            if (!fields.TryGetValue("host", out var host) || string.IsNullOrWhiteSpace(host))
            {
                return null;
            }

            var security = fields.GetValueOrDefault("security")?.Trim().ToLowerInvariant();
            int port;
            if (fields.TryGetValue("port", out var portText) && !string.IsNullOrWhiteSpace(portText))
            {
                if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                {
                    return null;
                }
            }
            else
            {
                port = security is SmtpSecurity.Ssl or SmtpSecurity.Tls ? 465 : 587;
            }

            SecureSocketOptions? socketOptions = security switch
            {
                null or "" => port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.Ssl or SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                _ => null,
            };
            return socketOptions is { } chosen
                ? new Server(host.Trim(), port, chosen, fields.GetValueOrDefault("username"), fields.GetValueOrDefault("password"))
                : null;
        }

        /// <summary>Why <see cref="From"/> found no server: names the connection and the field, never a value.</summary>
        public static string Problem(IReadOnlyDictionary<string, string> fields, string connectionName)
        {
            if (!fields.TryGetValue("host", out var host) || string.IsNullOrWhiteSpace(host))
            {
                return $"SMTP connection '{connectionName}' has no host; set its host field.";
            }

            var security = fields.GetValueOrDefault("security")?.Trim().ToLowerInvariant();
            return security is null or "" or SmtpSecurity.None or SmtpSecurity.StartTls or SmtpSecurity.Ssl or SmtpSecurity.Tls
                ? $"SMTP connection '{connectionName}' has a port that is not a number between 1 and 65535; fix its port field."
                : $"SMTP connection '{connectionName}' has security '{security}'; use none, starttls or tls.";
        }
    }
}
