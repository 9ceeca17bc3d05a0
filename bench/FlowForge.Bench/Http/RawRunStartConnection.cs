using System.Net.Sockets;
using System.Text.Json;

namespace FlowForge.Bench.Http;

/// <summary>
/// Starts runs one at a time over one keep-alive connection of its own: the request's bytes as they were built, the
/// answer read by <see cref="HttpAnswerReader"/>. An unexpected answer, a closed or reset connection or no answer
/// within the request's timeout is counted as an error and the connection is opened again for the next start.
/// <paramref name="blocking"/>: the socket blocks and <see cref="StartAsync"/> completes on the calling thread (a
/// closed-loop client on a thread of its own: one <c>send</c> and one <c>recv</c> per start, nothing handed between
/// threads); otherwise it is asynchronous, for the open loop's pool.
/// </summary>
public sealed class RawRunStartConnection(RunStartRequest request, PhaseErrors errors, bool blocking = false) : IRunStarts
{
    private const int BodyInError = 300;

    private Socket? _socket;
    private Stream? _stream;
    private HttpAnswerReader? _reader;
    private CancellationTokenSource? _timeout;

    /// <summary>Connections opened so far (the first and every reopening after an error or a <c>Connection: close</c>).</summary>
    public int Opened { get; private set; }

    public bool Blocking => blocking;

    public async ValueTask<bool> StartAsync()
    {
        try
        {
            if (_reader is null)
            {
                await OpenAsync();
            }

            // No token on each read: when the timeout fires it disposes the socket, which ends the pending read (a
            // blocking socket has the timeout as its own).
            _timeout?.CancelAfter(request.Timeout);
            await _stream!.WriteAsync(request.Bytes);
            var answer = await _reader!.ReadAsync();
            _timeout?.CancelAfter(Timeout.Infinite);
            var expected = Check(answer);
            if (!expected || answer.Close)
            {
                Close();
            }

            return expected;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or HttpAnswerException or JsonException)
        {
            var timedOut = _timeout?.IsCancellationRequested == true || ex is SocketException { SocketErrorCode: SocketError.TimedOut } or IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } };
            Close();
            return errors.Add(timedOut ? $"start failed: no answer within {request.Timeout.TotalSeconds:F0} s" : $"start failed: {ex.Message}");
        }
    }

    public void Dispose() => Close();

    private bool Check(HttpAnswer answer)
    {
        if (answer.Status != request.ExpectedStatus)
        {
            return errors.Add($"start answered {answer.Status}: {_reader!.Head()} {HttpAnswerReader.Printable(answer.Body.Span[..Math.Min(BodyInError, answer.Body.Length)])}");
        }

        if (request.Wait && !RunStatusReader.IsSucceeded(answer.Body.Span, out var status))
        {
            return errors.Add($"a run answered with status {status ?? "(none)"}: {HttpAnswerReader.Printable(answer.Body.Span[..Math.Min(BodyInError, answer.Body.Length)])}");
        }

        return true;
    }

    private async ValueTask OpenAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (blocking)
            {
                var milliseconds = (int)Math.Min(int.MaxValue, request.Timeout.TotalMilliseconds);
                socket.SendTimeout = milliseconds;
                socket.ReceiveTimeout = milliseconds;
                socket.Connect(request.Host, request.Port);
            }
            else
            {
                await socket.ConnectAsync(request.Host, request.Port);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        if (blocking)
        {
            _stream = new BlockingSocketStream(socket);
        }
        else
        {
            _stream = new NetworkStream(socket, ownsSocket: true);
            _timeout = new CancellationTokenSource();
            _timeout.Token.Register(static s => ((Socket)s!).Dispose(), socket);
        }

        _reader = new HttpAnswerReader(_stream);
        Opened++;
    }

    private void Close()
    {
        _timeout?.Dispose();
        _stream?.Dispose();
        _socket?.Dispose();
        _timeout = null;
        _stream = null;
        _socket = null;
        _reader = null;
    }
}
