using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Graphs;

/// <summary>Reads, validates and compiles flows: the one entry point the API and the CLI use.</summary>
public sealed class FlowChecker(INodeTypeRegistry registry, IOptions<FlowLimits> limits)
{
    private readonly GraphValidator _validator = new(registry, limits.Value);

    /// <summary>Parses and validates a flow; every problem is reported, the document is kept when it could be read.</summary>
    public FlowCheck Check(string json)
    {
        var parsed = FlowParser.Parse(json);
        return parsed.Document is null ? parsed : new FlowCheck(parsed.Document, _validator.Validate(parsed.Document));
    }

    /// <summary>Validates a parsed flow; every problem is reported.</summary>
    public IReadOnlyList<GraphProblem> Validate(FlowDocument document) => _validator.Validate(document);

    /// <summary>
    /// Compiles a flow after validating it again: node types may have changed since it was saved.
    /// Throws <see cref="FlowInvalidException"/> when it is no longer valid.
    /// </summary>
    public ExecutionPlan Compile(FlowDocument document, Guid flowId, int version)
    {
        var problems = _validator.Validate(document);
        if (problems.Count > 0)
        {
            throw new FlowInvalidException(problems);
        }

        return PlanCompiler.Compile(document, flowId, version);
    }

    /// <summary>Parses, validates and compiles; throws <see cref="FlowInvalidException"/> listing every problem when the flow is invalid.</summary>
    public ExecutionPlan CheckAndCompile(string json, Guid flowId, int version)
    {
        var check = Check(json);
        if (!check.IsValid)
        {
            throw new FlowInvalidException(check.Problems);
        }

        // The plan keeps the flow's config trees, which take about what the JSON text does in memory.
        return PlanCompiler.Compile(check.Document!, flowId, version, (long)json.Length * sizeof(char));
    }
}
