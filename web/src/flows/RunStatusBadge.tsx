import { Link } from 'react-router-dom';
import type { FlowLastRun } from './api';
import { exactTime, relativeTime } from './relativeTime';

const labels: Record<string, string> = {
  Pending: 'Queued',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
};

/** The newest run of a flow: its status as a coloured badge and how long ago it started, linking to the run. */
export function RunStatusBadge({ run, now }: { run: FlowLastRun | null; now?: number }) {
  if (!run) return <span className="muted">Never run</span>;
  const label = labels[run.status] ?? run.status;
  return (
    <Link to={`/runs/${run.id}`} className="ff-last-run" title={`Started ${exactTime(run.createdAt)}`}>
      <span className={`ff-badge ff-status ff-status-${run.status.toLowerCase()}`}>{label}</span>
      <span className="muted">{relativeTime(run.createdAt, now)}</span>
    </Link>
  );
}
