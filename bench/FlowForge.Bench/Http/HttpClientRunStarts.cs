using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Bench.Http;

/// <summary>Starts through <see cref="HttpClient"/> (<c>--client httpclient</c>), as the bench did before its raw client: kept to compare figures with older ones.</summary>
public sealed class HttpClientRunStarts(HttpClient client, Guid flowId, string body, bool wait, int preferWaitSeconds, PhaseErrors errors) : IRunStarts
{
    private readonly string _path = $"/api/flows/{flowId}/runs";

    public bool Blocking => false;

    public async ValueTask<bool> StartAsync()
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (wait)
            {
                request.Headers.Add("Prefer", $"wait={preferWaitSeconds}");
            }

            using var response = await client.SendAsync(request);
            if (wait && response.StatusCode == HttpStatusCode.OK)
            {
                var run = await response.Content.ReadFromJsonAsync<JsonObject>();
                var status = run?["status"]?.GetValue<string>();
                return status == RunStatusReader.Succeeded || errors.Add($"a run answered with status {status}: {run?["error"]}");
            }

            return (!wait && response.StatusCode == HttpStatusCode.Accepted)
                || errors.Add($"start answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync())}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return errors.Add($"start failed: {ex.Message}");
        }
    }

    public void Dispose()
    {
        // The client is the bench's, shared by every start.
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
