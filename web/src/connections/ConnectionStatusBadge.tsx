import type { Connection } from './api';

/** Connected (green) or broken (red) with the reason the provider gave. */
export function ConnectionStatusBadge({ connection }: { connection: Connection }) {
  if (connection.status === 'broken') {
    return (
      <span className="cn-status">
        <span className="ff-badge ff-status-failed">Broken</span>
        {connection.statusReason && <span className="cn-reason">{connection.statusReason}</span>}
      </span>
    );
  }
  return <span className="ff-badge ff-status-succeeded">Connected</span>;
}
