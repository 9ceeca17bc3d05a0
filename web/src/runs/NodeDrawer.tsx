import { useEffect, useRef, useState } from 'react';
import { fetchOutput, type NodeRunDetails } from '../api/runs';
import { ErrorState } from '../components/States';
import { JsonTree } from './JsonTree';
import { StatusBadge } from './StatusBadge';
import { durationBetween, formatDuration, formatTime } from './format';
import { nodeDisplayStatus } from './runCanvas';

interface NodeDrawerProps {
  nodeId: string;
  label?: string;
  details: NodeRunDetails | undefined;
  onClose: () => void;
  onSignal?: () => void;
}

/** What one node did in the run: status, times, output (large ones fetched on request), error and each attempt. */
export function NodeDrawer({ nodeId, label, details, onClose, onSignal }: NodeDrawerProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [nodeId]);

  return (
    <aside className="node-drawer" aria-label={`Node ${nodeId}`} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header className="node-drawer-head">
        <div>
          <h2>{label || nodeId}</h2>
          <div className="muted">
            {nodeId}
            {details ? ` · ${details.type}` : ''}
          </div>
        </div>
        <button ref={closeRef} type="button" onClick={onClose} aria-label="Close node details">
          ✕
        </button>
      </header>
      {!details ? (
        <p className="muted">This node has not been reached in this run.</p>
      ) : (
        <div className="node-drawer-body">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={nodeDisplayStatus(details)} />
            </dd>
            <dt>Started</dt>
            <dd>{formatTime(details.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatTime(details.finishedAt)}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(durationBetween(details.startedAt, details.finishedAt))}</dd>
            <dt>Attempt</dt>
            <dd>{details.attempt}</dd>
            {details.waitUntil && (
              <>
                <dt>Waits until</dt>
                <dd>{formatTime(details.waitUntil)}</dd>
              </>
            )}
          </dl>
          {details.waitingForSignal && details.status === 'Running' && onSignal && (
            <p className="drawer-note">
              This node waits for a signal.{' '}
              <button type="button" className="primary" onClick={onSignal}>
                Signal…
              </button>
            </p>
          )}
          {details.error && (
            <section>
              <h3>Error</h3>
              <pre className="error-text">{details.error}</pre>
            </section>
          )}
          <section>
            <h3>Resolved input</h3>
            <ResolvedInput details={details} />
          </section>
          <section>
            <h3>Output</h3>
            <Output key={details.nodeId} details={details} />
          </section>
          <section>
            <h3>Attempts ({details.attempts.length})</h3>
            {details.attempts.length === 0 ? (
              <p className="muted">No attempt has ended yet.</p>
            ) : (
              <ol className="attempts">
                {details.attempts.map((a) => (
                  <li key={a.attempt}>
                    <details open={a.attempt === details.attempts.length}>
                      <summary>
                        Attempt {a.attempt}: <StatusBadge status={a.status} />{' '}
                        <span className="muted">{formatDuration(durationBetween(a.startedAt, a.finishedAt))}</span>
                      </summary>
                      <JsonTree value={a} label={`Attempt ${a.attempt} of node ${nodeId}`} expandDepth={1} />
                    </details>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      )}
    </aside>
  );
}

function ResolvedInput({ details }: { details: NodeRunDetails }) {
  const last = details.attempts[details.attempts.length - 1];
  if (!last || last.input === undefined || last.input === null) return <p className="muted">Shown once an attempt has ended.</p>;
  return <JsonTree value={last.input} label={`Input of node ${details.nodeId}`} />;
}

function Output({ details }: { details: NodeRunDetails }) {
  const [loaded, setLoaded] = useState<{ value: unknown } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const link = details.outputLink;

  if (details.status !== 'Succeeded') return <p className="muted">No output: the node has not succeeded.</p>;
  if (link) {
    if (loaded) return <JsonTree value={loaded.value} label={`Output of node ${details.nodeId}`} />;
    const load = async () => {
      setBusy(true);
      setError(null);
      try {
        setLoaded({ value: await fetchOutput(link.href) });
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    };
    return (
      <div>
        <p className="muted">The output is large ({link.bytes.toLocaleString()} bytes) and is not loaded with the run.</p>
        <button type="button" onClick={load} disabled={busy}>
          {busy ? 'Loading…' : 'Load output'}
        </button>
        {error ? <ErrorState error={error} onRetry={load} /> : null}
      </div>
    );
  }
  return <JsonTree value={details.output ?? null} label={`Output of node ${details.nodeId}`} />;
}
