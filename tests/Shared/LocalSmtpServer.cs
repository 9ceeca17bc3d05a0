using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowForge.Testing;

/// <summary>
/// A small SMTP server on 127.0.0.1 for tests (RFC 5321: EHLO/HELO, AUTH PLAIN and LOGIN, MAIL FROM, RCPT TO, DATA,
/// RSET, NOOP, QUIT; no TLS) that records what it accepts in <see cref="Messages"/>. Lines, messages, recipients and
/// sessions are bounded; a message over <see cref="MaxMessageBytes"/> is refused with 552 and not recorded.
/// </summary>
public sealed class LocalSmtpServer : IAsyncDisposable
{
    private const int MaxLineBytes = 4096;

    private readonly ConcurrentQueue<LocalSmtpMessage> _messages = new();
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private int _sequence;

    /// <summary>When set (with <see cref="RequiredPassword"/>), MAIL FROM is refused with 530 until AUTH succeeds with these.</summary>
    public string? RequiredUser { get; init; }

    public string? RequiredPassword { get; init; }

    /// <summary>Largest message DATA accepts, in bytes; advertised as SIZE.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024;

    public int MaxRecipients { get; init; } = 100;

    public int MaxSessions { get; init; } = 16;

    /// <summary>Recipients RCPT TO refuses with 550 (compared case-insensitively), to test partial acceptance.</summary>
    public IReadOnlySet<string> RejectedRecipients { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public int Port => (_listener?.LocalEndpoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("Call StartAsync first.");

    public IReadOnlyList<LocalSmtpMessage> Messages => [.. _messages];

    /// <summary>Every command line received, in order (AUTH payloads included: test credentials only).</summary>
    public IReadOnlyList<string> Commands => [.. _commands];

    public Task StartAsync()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener?.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_sessions.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_sessions.Count >= MaxSessions)
            {
                client.Dispose();
                continue;
            }

            var session = ServeAsync(client, cancellationToken);
            _sessions.TryAdd(session, 0);
            _ = session.ContinueWith(done => _sessions.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var reader = new LineReader(stream);
            await WriteAsync(stream, "220 localhost FlowForge test SMTP ready", cancellationToken).ConfigureAwait(false);
            var session = new Session();
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    return;
                }

                _commands.Enqueue(line);
                if (!await HandleAsync(line, session, reader, stream, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: the session simply ends.
        }
    }

    private async Task<bool> HandleAsync(string line, Session session, LineReader reader, Stream stream, CancellationToken cancellationToken)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "EHLO":
                session.Reset();
                await WriteAsync(stream, $"250-localhost\r\n250-SIZE {MaxMessageBytes}\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 ENHANCEDSTATUSCODES", cancellationToken).ConfigureAwait(false);
                return true;
            case "HELO":
                session.Reset();
                await WriteAsync(stream, "250 localhost", cancellationToken).ConfigureAwait(false);
                return true;
            case "AUTH":
                await AuthenticateAsync(argument, session, reader, stream, cancellationToken).ConfigureAwait(false);
                return true;
            case "MAIL":
                if (RequiredUser is not null && session.User is null)
                {
                    await WriteAsync(stream, "530 5.7.0 Authentication required", cancellationToken).ConfigureAwait(false);
                    return true;
                }

                session.Reset();
                session.From = Address(argument, "FROM:");
                await WriteAsync(stream, session.From is null ? "501 5.5.4 Syntax: MAIL FROM:<address>" : "250 2.1.0 OK", cancellationToken).ConfigureAwait(false);
                return true;
            case "RCPT":
                await RecipientAsync(argument, session, stream, cancellationToken).ConfigureAwait(false);
                return true;
            case "DATA":
                await DataAsync(session, reader, stream, cancellationToken).ConfigureAwait(false);
                return true;
            case "RSET":
                session.Reset();
                await WriteAsync(stream, "250 2.0.0 OK", cancellationToken).ConfigureAwait(false);
                return true;
            case "NOOP":
                await WriteAsync(stream, "250 2.0.0 OK", cancellationToken).ConfigureAwait(false);
                return true;
            case "QUIT":
                await WriteAsync(stream, "221 2.0.0 Bye", cancellationToken).ConfigureAwait(false);
                return false;
            default:
                await WriteAsync(stream, "502 5.5.1 Command not implemented", cancellationToken).ConfigureAwait(false);
                return true;
        }
    }

    private async Task AuthenticateAsync(string argument, Session session, LineReader reader, Stream stream, CancellationToken cancellationToken)
    {
        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        string? user;
        string? password;
        if (mechanism == "PLAIN")
        {
            var payload = parts.Length > 1 ? parts[1] : await ChallengeAsync("", reader, stream, cancellationToken).ConfigureAwait(false);
            var fields = Decode(payload)?.Split('\0');
            (user, password) = fields is { Length: 3 } ? (fields[1], fields[2]) : (null, null);
        }
        else if (mechanism == "LOGIN")
        {
            user = Decode(parts.Length > 1 ? parts[1] : await ChallengeAsync("VXNlcm5hbWU6", reader, stream, cancellationToken).ConfigureAwait(false));
            password = Decode(await ChallengeAsync("UGFzc3dvcmQ6", reader, stream, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await WriteAsync(stream, "504 5.5.4 Unrecognized authentication type", cancellationToken).ConfigureAwait(false);
            return;
        }

        var accepted = user is not null && password is not null
            && (RequiredUser is null || (user == RequiredUser && password == RequiredPassword));
        if (!accepted)
        {
            await WriteAsync(stream, "535 5.7.8 Authentication credentials invalid", cancellationToken).ConfigureAwait(false);
            return;
        }

        session.User = user;
        await WriteAsync(stream, "235 2.7.0 Authentication successful", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> ChallengeAsync(string challenge, LineReader reader, Stream stream, CancellationToken cancellationToken)
    {
        await WriteAsync(stream, $"334 {challenge}", cancellationToken).ConfigureAwait(false);
        return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "";
    }

    private async Task RecipientAsync(string argument, Session session, Stream stream, CancellationToken cancellationToken)
    {
        if (session.From is null)
        {
            await WriteAsync(stream, "503 5.5.1 MAIL first", cancellationToken).ConfigureAwait(false);
            return;
        }

        var address = Address(argument, "TO:");
        if (address is null)
        {
            await WriteAsync(stream, "501 5.5.4 Syntax: RCPT TO:<address>", cancellationToken).ConfigureAwait(false);
        }
        else if (RejectedRecipients.Contains(address))
        {
            await WriteAsync(stream, "550 5.1.1 No such user here", cancellationToken).ConfigureAwait(false);
        }
        else if (session.Recipients.Count >= MaxRecipients)
        {
            await WriteAsync(stream, "452 4.5.3 Too many recipients", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            session.Recipients.Add(address);
            await WriteAsync(stream, "250 2.1.5 OK", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DataAsync(Session session, LineReader reader, Stream stream, CancellationToken cancellationToken)
    {
        if (session.From is null || session.Recipients.Count == 0)
        {
            await WriteAsync(stream, "503 5.5.1 MAIL and RCPT first", cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteAsync(stream, "354 End data with <CR><LF>.<CR><LF>", cancellationToken).ConfigureAwait(false);
        var data = new StringBuilder();
        var tooLarge = false;
        var bytes = 0L;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("The client closed the connection during DATA.");
            if (line == ".")
            {
                break;
            }

            if (tooLarge)
            {
                continue;
            }

            var text = line.StartsWith('.') ? line[1..] : line;
            bytes += Encoding.UTF8.GetByteCount(text) + 2;
            tooLarge = bytes > MaxMessageBytes;
            if (!tooLarge)
            {
                data.Append(text).Append("\r\n");
            }
        }

        if (tooLarge)
        {
            session.Reset();
            await WriteAsync(stream, "552 5.3.4 Message too big", cancellationToken).ConfigureAwait(false);
            return;
        }

        _messages.Enqueue(new LocalSmtpMessage(session.From, [.. session.Recipients], data.ToString(), session.User));
        session.Reset();
        await WriteAsync(stream, $"250 2.0.0 OK queued as local-{Interlocked.Increment(ref _sequence)}", cancellationToken).ConfigureAwait(false);
    }

    private static string? Address(string argument, string prefix)
    {
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = argument[prefix.Length..].Trim();
        var open = rest.IndexOf('<', StringComparison.Ordinal);
        var close = rest.IndexOf('>', StringComparison.Ordinal);
        return open == 0 && close > open ? rest[1..close] : null;
    }

    private static string? Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Task WriteAsync(Stream stream, string reply, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), cancellationToken).AsTask();

    private sealed class Session
    {
        public string? User { get; set; }

        public string? From { get; set; }

        public List<string> Recipients { get; } = [];

        public void Reset()
        {
            From = null;
            Recipients.Clear();
        }
    }

    // Reads CRLF-terminated lines of at most MaxLineBytes; a longer line ends the session rather than growing memory.
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                    if (_end == 0)
                    {
                        return null;
                    }
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.UTF8.GetString([.. line]);
                }

                if (line.Count >= MaxLineBytes)
                {
                    throw new IOException($"A line longer than {MaxLineBytes} bytes was sent.");
                }

                line.Add(b);
            }
        }
    }
}
