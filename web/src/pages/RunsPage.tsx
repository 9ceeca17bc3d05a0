import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { fetchFlow, fetchRunPage, type RunListItem } from '../api/runs';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { DurationBar } from '../runs/DurationBar';
import { durationBarWidths } from '../runs/durationScale';
import { durationBetween, formatTime } from '../runs/format';
import { RunDialog } from '../runs/RunDialog';
import { runStatusFilters, type RunStatusFilter } from '../runs/runStatus';
import { StatusBadge } from '../runs/StatusBadge';
import '../styles/runs.css';

const pageSize = 50;

/** Run history: /runs across flows, /runs?flowId=… for one flow; ?status=… filters. */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const flowId = params.get('flowId') ?? undefined;
  const requested = (params.get('status') ?? 'all').toLowerCase();
  const status: RunStatusFilter = (runStatusFilters as readonly string[]).includes(requested) ? (requested as RunStatusFilter) : 'all';
  const [showRunDialog, setShowRunDialog] = useState(false);
  const flow = useQuery({ queryKey: ['flow', flowId], queryFn: ({ signal }) => fetchFlow(flowId!, signal), enabled: !!flowId, retry: false });

  const runs = useInfiniteQuery({
    queryKey: ['runs', 'history', flowId ?? null, status],
    queryFn: ({ pageParam, signal }) =>
      fetchRunPage({ flowId, status: status === 'all' ? undefined : status, cursor: pageParam, limit: pageSize }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
    refetchInterval: 10_000,
  });

  // A flow's listing has no status filter on the server: its pages are filtered here, and scrolling loads on.
  const items = useMemo(() => {
    const all = runs.data?.pages.flatMap((p) => p.items) ?? [];
    return flowId && status !== 'all' ? all.filter((r) => r.status.toLowerCase() === status) : all;
  }, [runs.data, flowId, status]);

  const setFilter = (next: RunStatusFilter) => {
    const copy = new URLSearchParams(params);
    if (next === 'all') copy.delete('status');
    else copy.set('status', next);
    setParams(copy, { replace: true });
  };

  const sentinel = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(false);
  useEffect(() => {
    const element = sentinel.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setAtEnd(entries.some((e) => e.isIntersecting)), { rootMargin: '200px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [runs.isSuccess]);
  useEffect(() => {
    if (atEnd && runs.hasNextPage && !runs.isFetchingNextPage && !runs.isError) void runs.fetchNextPage();
  }, [atEnd, runs.hasNextPage, runs.isFetchingNextPage, runs.isError, runs, items.length]);

  const flowMissing = flow.error instanceof ApiError && flow.error.status === 404;
  return (
    <div className="runs-page">
      <header className="runs-header">
        <div>
          <h1>{flowId ? <>Runs of {flow.data ? <Link to={`/flows/${flowId}`}>{flow.data.name}</Link> : 'this flow'}</> : 'Runs'}</h1>
          {flowId && (
            <Link to="/runs" className="muted">
              All runs across flows
            </Link>
          )}
        </div>
        {flowId && !flowMissing && (
          <button type="button" className="primary" onClick={() => setShowRunDialog(true)}>
            Run flow…
          </button>
        )}
      </header>
      <div className="status-filter" role="group" aria-label="Show runs by status">
        {runStatusFilters.map((f) => (
          <button key={f} type="button" aria-pressed={status === f} className={status === f ? 'active' : undefined} onClick={() => setFilter(f)}>
            {f === 'all' ? 'All' : f[0].toUpperCase() + f.slice(1)}
          </button>
        ))}
      </div>
      {runs.isPending ? (
        <LoadingState label="Loading runs…" />
      ) : runs.isError && items.length === 0 ? (
        <ErrorState error={runs.error} onRetry={() => runs.refetch()} />
      ) : items.length === 0 && !runs.hasNextPage ? (
        <EmptyState title={status === 'all' ? 'No runs yet.' : `No ${status} runs.`}>
          <span>{status === 'all' ? 'Start a flow with its Run button and its runs appear here.' : 'Choose another status to see other runs.'}</span>
        </EmptyState>
      ) : (
        <RunTable items={items} showFlow={!flowId} onOpen={(id) => navigate(`/runs/${id}`)} />
      )}
      <div ref={sentinel} className="runs-sentinel" />
      {runs.isFetchingNextPage && <LoadingState label="Loading more runs…" />}
      {runs.isError && items.length > 0 && <ErrorState error={runs.error} onRetry={() => runs.fetchNextPage()} />}
      {runs.hasNextPage && !runs.isFetchingNextPage && (
        <div className="runs-more">
          <button type="button" onClick={() => runs.fetchNextPage()}>
            Load more runs
          </button>
        </div>
      )}
      {showRunDialog && flowId && (
        <RunDialog flowId={flowId} onClose={() => setShowRunDialog(false)} onStarted={(id) => navigate(`/runs/${id}`)} />
      )}
    </div>
  );
}

function runDuration(run: RunListItem): number | undefined {
  return durationBetween(run.startedAt ?? run.createdAt, run.finishedAt);
}

function RunTable({ items, showFlow, onOpen }: { items: RunListItem[]; showFlow: boolean; onOpen: (id: string) => void }) {
  const durations = items.map(runDuration);
  const widths = durationBarWidths(durations);
  return (
    <table className="runs-table">
      <thead>
        <tr>
          <th scope="col">Status</th>
          {showFlow && <th scope="col">Flow</th>}
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempt</th>
        </tr>
      </thead>
      <tbody>
        {items.map((run, i) => (
          <tr key={run.id} data-run-id={run.id} onClick={() => onOpen(run.id)}>
            <td>
              <StatusBadge status={run.status} />
            </td>
            {showFlow && (
              <td>
                <FlowName flowId={run.flowId} version={run.flowVersion} />
              </td>
            )}
            <td>
              <Link to={`/runs/${run.id}`} onClick={(e) => e.stopPropagation()} aria-label={`Open run of ${formatTime(run.startedAt ?? run.createdAt)}`}>
                {formatTime(run.startedAt ?? run.createdAt)}
              </Link>
            </td>
            <td className="duration-column">
              <DurationBar ms={durations[i]} width={widths[i]} status={run.status} />
            </td>
            <td>{run.attempt}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FlowName({ flowId, version }: { flowId: string; version: number }) {
  const flow = useQuery({ queryKey: ['flow', flowId], queryFn: ({ signal }) => fetchFlow(flowId, signal), staleTime: 60_000, retry: false });
  const name = flow.data?.name ?? (flow.isError ? 'Deleted flow' : '…');
  return (
    <span>
      {name} <span className="muted">v{version}</span>
    </span>
  );
}
