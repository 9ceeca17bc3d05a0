using FlowForge.Engine.Graphs;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>Execution plans written out by hand, so store tests depend on no compiler.</summary>
public static class TestPlans
{
    public const string Main = "main";

    /// <summary>trigger → a → {b, c} → d, every edge on port "main"; d joins two parents.</summary>
    public static ExecutionPlan Diamond(Guid flowId, int version = 1) => new(flowId, version,
    [
        Node("trigger", "core.manualTrigger", trigger: true, parents: [], children: [Edge("trigger", Main, "a")]),
        Node("a", "core.set", parents: ["trigger"], children: [Edge("a", Main, "b"), Edge("a", Main, "c")], dependencies: ["trigger"]),
        Node("b", "http.request", parents: ["a"], children: [Edge("b", Main, "d")], dependencies: ["a"]),
        Node("c", "core.wait", parents: ["a"], children: [Edge("c", Main, "d")], dependencies: ["a"]),
        Node("d", "core.merge", parents: ["b", "c"], children: [], dependencies: ["b", "c"], joinCount: 2),
    ]);

    /// <summary>
    /// trigger → check; check "true" → yes → afterYes; check "false" → no → afterNo; {afterYes, afterNo} → merge.
    /// Firing one port of check skips the other branch down to the join.
    /// </summary>
    public static ExecutionPlan Branch(Guid flowId) => new(flowId, 1,
    [
        Node("trigger", "core.manualTrigger", trigger: true, parents: [], children: [Edge("trigger", Main, "check")]),
        Node("check", "core.if", parents: ["trigger"], children: [Edge("check", "true", "yes"), Edge("check", "false", "no")]),
        Node("yes", "core.set", parents: ["check"], children: [Edge("yes", Main, "afterYes")]),
        Node("no", "core.set", parents: ["check"], children: [Edge("no", Main, "afterNo")]),
        Node("afterYes", "core.set", parents: ["yes"], children: [Edge("afterYes", Main, "merge")]),
        Node("afterNo", "core.set", parents: ["no"], children: [Edge("afterNo", Main, "merge")]),
        Node("merge", "core.merge", parents: ["afterYes", "afterNo"], children: [], joinCount: 2),
    ]);

    /// <summary>trigger → route; route's ports "a" and "b" both lead to target (two edges, one child).</summary>
    public static ExecutionPlan TwoEdgesToOneChild(Guid flowId) => new(flowId, 1,
    [
        Node("trigger", "core.manualTrigger", trigger: true, parents: [], children: [Edge("trigger", Main, "route")]),
        Node("route", "core.switch", parents: ["trigger"], children: [Edge("route", "a", "target"), Edge("route", "b", "target")]),
        Node("target", "core.set", parents: ["route", "route"], children: [], joinCount: 2),
    ]);

    /// <summary>trigger → work; work "main" → after; work "error" → handler (as when work's onError is continue).</summary>
    public static ExecutionPlan ErrorBranch(Guid flowId) => new(flowId, 1,
    [
        Node("trigger", "core.manualTrigger", trigger: true, parents: [], children: [Edge("trigger", Main, "work")]),
        Node("work", "http.request", parents: ["trigger"], children: [Edge("work", Main, "after"), Edge("work", "error", "handler")]),
        Node("after", "core.set", parents: ["work"], children: []),
        Node("handler", "core.set", parents: ["work"], children: []),
    ]);

    /// <summary>
    /// manual → prepare → shared; webhook → onlyWebhook → afterWebhook; webhook → shared; nightly → onlyNightly; shared → done.
    /// Three triggers: shared is reached from manual and webhook, the others from one trigger each.
    /// </summary>
    public static ExecutionPlan SeveralTriggers(Guid flowId) => new(flowId, 1,
    [
        Node("manual", "trigger.manual", trigger: true, parents: [], children: [Edge("manual", Main, "prepare")]),
        Node("webhook", "trigger.webhook", trigger: true, parents: [], children: [Edge("webhook", Main, "onlyWebhook"), Edge("webhook", Main, "shared")]),
        Node("nightly", "trigger.schedule", trigger: true, parents: [], children: [Edge("nightly", Main, "onlyNightly")]),
        Node("prepare", "core.set", parents: ["manual"], children: [Edge("prepare", Main, "shared")]),
        Node("onlyWebhook", "core.noop", parents: ["webhook"], children: [Edge("onlyWebhook", Main, "afterWebhook")]),
        Node("afterWebhook", "core.noop", parents: ["onlyWebhook"], children: []),
        Node("onlyNightly", "core.noop", parents: ["nightly"], children: []),
        Node("shared", "core.merge", parents: ["prepare", "webhook"], children: [Edge("shared", Main, "done")]),
        Node("done", "core.noop", parents: ["shared"], children: []),
    ]);

    /// <summary>trigger → p0 … p(n-1) → join: <paramref name="parents"/> parallel nodes that one join waits for.</summary>
    /// <summary>trigger → n1 → n2 → … → n(nodes), every edge on port "main".</summary>
    public static ExecutionPlan Linear(Guid flowId, int nodes)
    {
        var ids = Enumerable.Range(1, nodes).Select(static i => $"n{i}").ToArray();
        return new(flowId, 1,
        [
            Node("trigger", "core.manualTrigger", trigger: true, parents: [], children: [Edge("trigger", Main, ids[0])]),
            .. ids.Select((id, i) => Node(
                id, "core.set", parents: [i == 0 ? "trigger" : ids[i - 1]], children: i + 1 < ids.Length ? [Edge(id, Main, ids[i + 1])] : [])),
        ]);
    }

    public static ExecutionPlan FanIn(Guid flowId, int parents)
    {
        var ids = Enumerable.Range(0, parents).Select(static i => $"p{i}").ToArray();
        return new(flowId, 1,
        [
            Node("trigger", "core.manualTrigger", trigger: true, parents: [], children: [.. ids.Select(static id => Edge("trigger", Main, id))]),
            .. ids.Select(static id => Node(id, "core.set", parents: ["trigger"], children: [Edge(id, Main, "join")])),
            Node("join", "core.merge", parents: ids, children: []),
        ]);
    }

    private static PlanEdge Edge(string from, string port, string to) => new($"{from}-{port}-{to}", port, to);

    private static PlanNode Node(
        string id,
        string type,
        string[] parents,
        PlanEdge[] children,
        string[]? dependencies = null,
        bool trigger = false,
        int? joinCount = null) =>
        new(id, type, null, trigger, parents, children, dependencies ?? parents) { JoinCount = joinCount ?? parents.Length };
}
