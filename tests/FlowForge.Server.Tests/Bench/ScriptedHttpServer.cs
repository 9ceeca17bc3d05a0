using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowForge.Server.Tests.Bench;

/// <summary>
/// A loopback listener that reads requests (headers, then a body of a known length) and answers each as the script says for (connection,
/// request) — the text to send, <see cref="Close"/> to close the connection without an answer, or <see cref="Silent"/>
/// to never answer — and keeps what it received.
/// </summary>
internal sealed class ScriptedHttpServer : IDisposable
{
    public const string Close = "<close>";
    public const string Silent = "<silent>";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _bodyLength;
    private readonly Func<int, int, string> _script;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public ScriptedHttpServer(int bodyLength, Func<int, int, string> script)
    {
        _bodyLength = bodyLength;
        _script = script;
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Connections => Volatile.Read(ref _connections);

    public ConcurrentQueue<string> Requests { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(socket, Interlocked.Increment(ref _connections) - 1);
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var body = new byte[_bodyLength];
        var one = new byte[1];
        try
        {
            for (var request = 0; ; request++)
            {
                var head = new List<byte>();
                while (head.Count < 4 || !head[^4..].SequenceEqual("\r\n\r\n"u8.ToArray()))
                {
                    await stream.ReadExactlyAsync(one, _stop.Token);
                    head.Add(one[0]);
                }

                await stream.ReadExactlyAsync(body, _stop.Token);
                Requests.Enqueue(Encoding.ASCII.GetString([.. head, .. body]));
                var answer = _script(connection, request);
                if (answer == Close)
                {
                    return;
                }

                if (answer == Silent)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or EndOfStreamException or ObjectDisposedException)
        {
            // The client went away or the test ended.
        }
    }
}
