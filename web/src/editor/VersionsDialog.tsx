import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { fetchVersions } from './api';

export interface VersionsDialogProps {
  flowId: string;
  currentVersion: number;
  onRestore: (version: number) => void;
  onClose: () => void;
}

/** The flow's saved versions, newest first; restoring one loads it into the canvas as unsaved changes. */
export function VersionsDialog({ flowId, currentVersion, onRestore, onClose }: VersionsDialogProps) {
  const versions = useInfiniteQuery({
    queryKey: ['flow-versions', flowId],
    queryFn: ({ pageParam }) => fetchVersions(flowId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  const items = versions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div role="dialog" aria-modal="true" aria-label="Version history" className="dialog editor-versions">
        <header>
          <h2>Version history</h2>
          <button type="button" ref={closeRef} onClick={onClose}>
            Close
          </button>
        </header>
        {versions.isPending && <LoadingState label="Loading versions…" />}
        {versions.isError && <ErrorState error={versions.error} onRetry={() => versions.refetch()} />}
        {versions.isSuccess && items.length === 0 && <EmptyState title="No versions yet" />}
        {items.length > 0 && (
          <ul className="editor-versions-list">
            {items.map((v) => (
              <li key={v.version}>
                <div>
                  <strong>Version {v.version}</strong>
                  {v.version === currentVersion && <span className="badge">current</span>}
                  <div className="muted">
                    {v.name} · {v.nodeCount} {v.nodeCount === 1 ? 'node' : 'nodes'} · {new Date(v.createdAt).toLocaleString()}
                  </div>
                </div>
                <button type="button" onClick={() => onRestore(v.version)} aria-label={`Restore version ${v.version}`}>
                  Restore
                </button>
              </li>
            ))}
          </ul>
        )}
        {versions.hasNextPage && (
          <button type="button" onClick={() => versions.fetchNextPage()} disabled={versions.isFetchingNextPage}>
            {versions.isFetchingNextPage ? 'Loading…' : 'Show older versions'}
          </button>
        )}
        <p className="muted">Restoring puts that version on the canvas; Save makes it the newest version.</p>
      </div>
    </div>
  );
}
