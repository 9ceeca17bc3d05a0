import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { createFlow, emptyFlow } from '../flows/api';
import { FlowsTable } from '../flows/FlowsTable';
import { ImportFlowButton, problemLines } from '../flows/ImportFlowButton';
import { useDebounced } from '../flows/useDebounced';
import { useFlowList } from '../flows/useFlowList';
import '../styles/flows.css';

/** Longest search text sent; the server refuses longer ones (Api:MaxFlowSearchLength, 200 by default). */
const maxSearchLength = 200;

/** Re-renders every minute so that "3 minutes ago" stays true while the page is open. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function FlowsPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const now = useMinuteClock();
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), 300);
  const flows = useFlowList(search);
  const [problems, setProblems] = useState<{ title: string; lines: string[] } | null>(null);

  const create = useMutation({
    mutationFn: () => createFlow(emptyFlow('Untitled flow')),
    onMutate: () => setProblems(null),
    onSuccess: async ({ id }) => {
      await queryClient.invalidateQueries({ queryKey: ['flows'] });
      navigate(`/flows/${id}`);
    },
    onError: (error) => setProblems({ title: 'Could not create a flow', lines: problemLines(error) }),
  });

  const items = flows.data?.pages.flatMap((p) => p.items) ?? [];
  const searching = search !== '';

  return (
    <div className="ff-page">
      <header className="ff-page-header">
        <h1>Flows</h1>
        <div className="ff-toolbar">
          <label className="ff-search">
            <span className="visually-hidden">Search flows by name</span>
            <input
              type="search"
              placeholder="Search by name"
              value={searchText}
              maxLength={maxSearchLength}
              onChange={(e) => setSearchText(e.target.value)}
            />
          </label>
          <ImportFlowButton
            onImported={async () => {
              setProblems(null);
              await queryClient.invalidateQueries({ queryKey: ['flows'] });
            }}
            onProblems={(title, lines) => setProblems({ title, lines })}
          />
          <button type="button" className="primary" onClick={() => create.mutate()} disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'New flow'}
          </button>
        </div>
      </header>

      {problems && (
        <div className="ff-problems" role="alert">
          <div className="ff-problems-head">
            <strong>{problems.title}</strong>
            <button type="button" onClick={() => setProblems(null)} aria-label="Dismiss these problems">
              Dismiss
            </button>
          </div>
          <ul>
            {problems.lines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      )}

      {flows.isPending ? (
        <LoadingState label="Loading flows…" />
      ) : flows.isError && items.length === 0 ? (
        <ErrorState error={flows.error} onRetry={() => flows.refetch()} />
      ) : items.length === 0 ? (
        searching ? (
          <EmptyState title={`No flow names contain “${search}”`}>
            <span>Try a shorter or different search.</span>
          </EmptyState>
        ) : (
          <EmptyState title="No flows yet — create one or import a flow file">
            <span>A flow starts with a trigger; “New flow” opens the editor with a manual one.</span>
          </EmptyState>
        )
      ) : (
        <>
          <FlowsTable flows={items} now={now} />
          {flows.hasNextPage && (
            <div className="ff-more">
              <button type="button" onClick={() => flows.fetchNextPage()} disabled={flows.isFetchingNextPage}>
                {flows.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
          {flows.isError && <ErrorState error={flows.error} onRetry={() => flows.refetch()} />}
        </>
      )}
    </div>
  );
}
