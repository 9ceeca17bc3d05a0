using System.ComponentModel;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Integrations;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Google;

[NodeType("google.sheets.appendRow", "Google Sheets: Append Row", Icon = "sheet", Category = NodeCategory.Action, Provider = "google",
    Description = "Appends one row after the table in a Google Sheets range (values.append, as if typed: USER_ENTERED) and outputs Google's updates object { spreadsheetId, updatedRange, updatedRows, updatedColumns, updatedCells }. Values are a list of cells, or an object whose members are laid out in the order of columns.")]
public sealed class GoogleSheetsRowAppendNode(IOptions<IntegrationsOptions> options) : IntegrationNode<GoogleSheetsRowAppendNode.Settings>(options)
{
    public sealed record Settings(
        [property: Description("The Google connection to write as.")] string ConnectionId,
        [property: Description("The id in the sheet's URL: docs.google.com/spreadsheets/d/<id>/edit.")] string SpreadsheetId,
        [property: Description("The table to append to, in A1 notation (Sheet1 or Sheet1!A1:D1).")] string Range,
        [property: Description("The row: a list of cell values, or an object laid out by columns (often {{ $input }}).")] JsonNode Values,
        [property: Description("With an object as values: its member names in column order; a missing member leaves its cell empty.")] IReadOnlyList<string>? Columns = null) : IConnectionSettings;

    public const int MaxCells = 1000;

    public const int MaxCellChars = 50_000;

    protected override string ConnectionHint => "a Google connection";

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var path = $"v4/spreadsheets/{Uri.EscapeDataString(settings.SpreadsheetId)}/values/{Uri.EscapeDataString(settings.Range)}:append";
        var url = new Uri(IntegrationApi.Combine(Limits.Google.SheetsBaseUrl, path) + "?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS");
        var what = $"Google Sheets append to '{settings.Range}'";
        return ConnectedAsync(settings, what, context, async connection =>
        {
            var body = new JsonObject { ["values"] = new JsonArray(Row(settings)) };
            using var request = IntegrationApi.JsonRequest(HttpMethod.Post, url, body);
            return await SendAsync(connection, request, what, context, GoogleApiError.MessageOf, response => response.Json?["updates"] is JsonObject updates
                ? NodeResult.Success(updates.DeepClone())
                : NodeResult.Fail($"{what} answered without the updates object: {IntegrationApi.Quote(response.Text)}"), cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    protected override IEnumerable<ConfigProblem> ValidateCall(Settings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.SpreadsheetId))
        {
            yield return new ConfigProblem("$.spreadsheetId", "spreadsheetId is empty; copy it from the sheet's URL");
        }

        if (string.IsNullOrWhiteSpace(settings.Range))
        {
            yield return new ConfigProblem("$.range", "range is empty; name a sheet such as Sheet1");
        }

        switch (settings.Values)
        {
            case JsonArray cells:
                if (settings.Columns is not null)
                {
                    yield return new ConfigProblem("$.columns", "columns is only used when values is an object; remove it or give values as an object");
                }

                foreach (var problem in CheckCells(cells, "$.values"))
                {
                    yield return problem;
                }

                break;
            case JsonObject row:
                if (settings.Columns is not { Count: > 0 })
                {
                    yield return new ConfigProblem("$.columns", "values is an object, so columns must list its member names in column order");
                    break;
                }

                if (settings.Columns.Count > MaxCells)
                {
                    yield return new ConfigProblem("$.columns", $"columns has {settings.Columns.Count} names; a row may have at most {MaxCells} cells");
                    break;
                }

                foreach (var problem in CheckCells(new JsonArray([.. settings.Columns.Select(c => row[c]?.DeepClone())]), "$.values"))
                {
                    yield return problem;
                }

                break;
            default:
                yield return new ConfigProblem("$.values", "values must be a list of cell values or an object laid out by columns");
                break;
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is JsonObject properties)
        {
            // Any JSON is accepted by the binder (a list, an object or an expression); the form needs an object schema.
            properties["values"] = new JsonObject
            {
                ["type"] = new JsonArray("array", "object", "string"),
                ["description"] = "The row: a list of cell values, or an object laid out by columns (often {{ input }}).",
            };
        }
    }

    private static JsonArray Row(Settings settings) => settings.Values is JsonObject row
        ? new JsonArray([.. settings.Columns!.Select(c => row[c]?.DeepClone() ?? JsonValue.Create(""))])
        : (JsonArray)settings.Values.DeepClone();

    private static IEnumerable<ConfigProblem> CheckCells(JsonArray cells, string path)
    {
        if (cells.Count > MaxCells)
        {
            yield return new ConfigProblem(path, $"the row has {cells.Count} cells; at most {MaxCells} may be appended at once");
            yield break;
        }

        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is JsonArray or JsonObject)
            {
                yield return new ConfigProblem($"{path}[{i}]", "a cell must be text, a number, true/false or null, not a list or object");
            }
            else if (cells[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > MaxCellChars)
            {
                yield return new ConfigProblem($"{path}[{i}]", $"a cell holds at most {MaxCellChars} characters");
            }
        }
    }
}
