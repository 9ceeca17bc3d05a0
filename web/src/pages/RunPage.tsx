import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Edge } from '@xyflow/react';
import { ApiError } from '../api/client';
import { useNodeTypes } from '../api/nodeTypes';
import { cancelRun, fetchFlowVersion, fetchRun, fetchRunPage, retryRun, type RunDetails } from '../api/runs';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import type { NodeCardNode } from '../flow/NodeCard';
import { toCanvasEdges, toCanvasNodes, typesById } from '../flow/toCanvas';
import { durationBetween, formatDuration, formatTime } from '../runs/format';
import { NodeDrawer } from '../runs/NodeDrawer';
import { RunCanvas } from '../runs/RunCanvas';
import { applyNodeEvent, applyRunDetails } from '../runs/runCanvas';
import { RunDialog } from '../runs/RunDialog';
import { isFinalRunStatus } from '../runs/runStatus';
import { SignalDialog } from '../runs/SignalDialog';
import { StatusBadge } from '../runs/StatusBadge';
import { useRunHub, type HubState } from '../runs/useRunHub';
import '../styles/runs.css';

/** The run view: /runs/:runId and /flows/:flowId/runs/:runId. */
export function RunPage() {
  const { runId = '' } = useParams();
  const run = useQuery({ queryKey: ['run', runId], queryFn: ({ signal }) => fetchRun(runId, signal), retry: false });
  if (run.isPending) return <LoadingState label="Loading the run…" />;
  if (run.isError) {
    if (run.error instanceof ApiError && run.error.status === 404) {
      return (
        <EmptyState title="This run was not found.">
          <span>It may have been deleted, or it belongs to another account.</span>
          <Link to="/runs">See all runs</Link>
        </EmptyState>
      );
    }
    return <ErrorState error={run.error} onRetry={() => run.refetch()} />;
  }
  return <RunView key={runId} run={run.data} />;
}

/** Node types whose nodes start child runs. */
const parentTypes = new Set(['core.forEach', 'flow.call']);

function RunView({ run }: { run: RunDetails }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const flow = useQuery({
    queryKey: ['flow', run.flowId, 'version', run.flowVersion],
    queryFn: ({ signal }) => fetchFlowVersion(run.flowId, run.flowVersion, signal),
    staleTime: Infinity,
    retry: false,
  });
  const types = useNodeTypes();
  const [nodes, setNodes] = useState<NodeCardNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [status, setStatus] = useState(run.status);
  const [signalNodeId, setSignalNodeId] = useState<string | null>(null);
  const [showRunDialog, setShowRunDialog] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timings = useRef(new Map<string, { startedAt?: string | null; finishedAt?: string | null }>());
  const refetchTimer = useRef<number | undefined>(undefined);

  const refetch = useCallback(() => queryClient.invalidateQueries({ queryKey: ['run', run.id] }), [queryClient, run.id]);
  // Node events come in bursts; one read of the details after a burst keeps the drawer and the Signal button current.
  const refetchSoon = useCallback(() => {
    window.clearTimeout(refetchTimer.current);
    refetchTimer.current = window.setTimeout(() => void refetch(), 250);
  }, [refetch]);
  useEffect(() => () => window.clearTimeout(refetchTimer.current), []);

  // The canvas is built once the flow version and the node types are known; later reads of the run only restyle it.
  const ready = flow.isSuccess && types.isSuccess;
  useEffect(() => {
    if (!ready) return;
    const byId = typesById(types.data);
    setNodes(applyRunDetails(toCanvasNodes(flow.data.definition, byId), run.nodes));
    setEdges(toCanvasEdges(flow.data.definition));
    // Only when the definition arrives: later reads of the run are applied by the effect below.
  }, [ready, flow.data, types.data]);

  useEffect(() => {
    setStatus(run.status);
    timings.current = new Map(run.nodes.map((n) => [n.nodeId, { startedAt: n.startedAt, finishedAt: n.finishedAt }]));
    setNodes((current) => (current.length ? applyRunDetails(current, run.nodes) : current));
  }, [run]);

  const live = !isFinalRunStatus(status);
  const hub = useRunHub(run.id, live, {
    onNode: (event) => {
      setNodes((current) => applyNodeEvent(current, event, timings.current));
      refetchSoon();
    },
    onRun: (event) => {
      setStatus(event.status);
      if (isFinalRunStatus(event.status)) void refetch();
    },
    onWatching: () => void refetch(),
  });

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
      await refetch();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const selectedId = nodes.find((n) => n.selected)?.id ?? null;
  const selected = selectedId ? nodes.find((n) => n.id === selectedId) : undefined;
  const details = useMemo(() => new Map(run.nodes.map((n) => [n.nodeId, n])), [run.nodes]);
  const waitingForSignal = run.nodes.filter((n) => n.status === 'Running' && n.waitingForSignal);
  const closeDrawer = () => setNodes((current) => current.map((n) => (n.selected ? { ...n, selected: false } : n)));
  const hasChildren = (flow.data?.definition.nodes ?? []).some((n) => parentTypes.has(n.type));
  const finished = run.finishedAt ?? undefined;

  return (
    <div className="run-page">
      <header className="run-header">
        <div className="run-title">
          <h1>
            {flow.data ? <Link to={`/flows/${run.flowId}`}>{flow.data.name}</Link> : 'Run'}{' '}
            <span className="muted">v{run.flowVersion}</span>
          </h1>
          <StatusBadge status={status} />
          <LiveIndicator state={hub} live={live} />
        </div>
        <dl className="run-facts">
          <dt>Started</dt>
          <dd>{formatTime(run.startedAt ?? run.createdAt)}</dd>
          <dt>Finished</dt>
          <dd>{formatTime(finished)}</dd>
          <dt>Duration</dt>
          <dd>{formatDuration(durationBetween(run.startedAt ?? run.createdAt, finished))}</dd>
          <dt>Attempt</dt>
          <dd>{run.attempt}</dd>
        </dl>
        <div className="run-actions">
          {waitingForSignal.map((n) => (
            <button key={n.nodeId} type="button" className="primary" onClick={() => setSignalNodeId(n.nodeId)} disabled={busy}>
              Signal {n.nodeId}…
            </button>
          ))}
          {(status === 'Failed' || status === 'Cancelled') && (
            <button type="button" className="primary" disabled={busy} onClick={() => act(() => retryRun(run.id).then((r) => setStatus(r.status)))}>
              Retry from failed
            </button>
          )}
          {live && (
            <button type="button" className="danger" disabled={busy} onClick={() => act(() => cancelRun(run.id))}>
              Cancel run
            </button>
          )}
          <button type="button" onClick={() => setShowRunDialog(true)}>
            Run again…
          </button>
          <Link className="button-link" to={`/runs?flowId=${run.flowId}`}>
            History
          </Link>
        </div>
      </header>
      {actionError && (
        <p className="form-error run-action-error" role="alert">
          {actionError}
        </p>
      )}
      {run.error && <p className="run-error">{run.error}</p>}
      {(run.parentRunId || hasChildren) && <RunFamily run={run} showChildren={hasChildren} />}
      <div className="run-body">
        {flow.isError ? (
          <ErrorState error={flow.error} onRetry={() => flow.refetch()} />
        ) : types.isError ? (
          <ErrorState error={types.error} onRetry={() => types.refetch()} />
        ) : !ready || nodes.length === 0 ? (
          <LoadingState label="Drawing the flow…" />
        ) : (
          <RunCanvas nodes={nodes} edges={edges} setNodes={setNodes} narrowed={selectedId !== null} />
        )}
        {selectedId && (
          <NodeDrawer
            nodeId={selectedId}
            label={selected?.data.label}
            details={details.get(selectedId)}
            onClose={closeDrawer}
            onSignal={() => setSignalNodeId(selectedId)}
          />
        )}
      </div>
      {signalNodeId && (
        <SignalDialog
          runId={run.id}
          nodeId={signalNodeId}
          onClose={() => setSignalNodeId(null)}
          onSignalled={() => {
            setSignalNodeId(null);
            void refetch();
          }}
        />
      )}
      {showRunDialog && (
        <RunDialog flowId={run.flowId} onClose={() => setShowRunDialog(false)} onStarted={(id) => navigate(`/runs/${id}`)} />
      )}
    </div>
  );
}

function LiveIndicator({ state, live }: { state: HubState; live: boolean }) {
  if (!live) return null;
  const text = state === 'live' ? 'Live' : state === 'offline' ? 'Not live: reload to update' : 'Connecting…';
  return (
    <span className={`live-indicator live-${state}`} role="status">
      {text}
    </span>
  );
}

/** Links to the run that started this one and to the runs this one started (core.forEach, flow.call). */
function RunFamily({ run, showChildren }: { run: RunDetails; showChildren: boolean }) {
  const children = useQuery({
    queryKey: ['run', run.id, 'children'],
    queryFn: ({ signal }) => fetchRunPage({ childrenOf: run.id, limit: 100 }, signal),
    enabled: showChildren,
    retry: false,
  });
  return (
    <nav className="run-family" aria-label="Related runs">
      {run.parentRunId && (
        <span>
          Started by <Link to={`/runs/${run.parentRunId}`}>run {run.parentRunId.slice(0, 8)}</Link>
          {run.parentNodeId ? ` at node ${run.parentNodeId}` : ''}
          {run.itemIndex != null ? `, item ${run.itemIndex}` : ''}
        </span>
      )}
      {showChildren && children.isSuccess && children.data.items.length > 0 && (
        <span className="run-children">
          Child runs:
          {children.data.items.map((c) => (
            <Link key={c.id} to={`/runs/${c.id}`} className="child-run">
              <StatusBadge status={c.status} />
              {c.parentNodeId ? ` ${c.parentNodeId}` : ''}
              {c.itemIndex != null ? ` #${c.itemIndex}` : ''}
            </Link>
          ))}
          {children.data.nextCursor ? <span className="muted">and more</span> : null}
        </span>
      )}
    </nav>
  );
}
