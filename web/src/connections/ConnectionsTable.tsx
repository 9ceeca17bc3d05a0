import type { Connection, ConnectionProvider } from './api';
import { ConnectionRow } from './ConnectionRow';

export interface ConnectionsTableProps {
  connections: Connection[];
  providerOf: (id: string | null) => ConnectionProvider | undefined;
  now: number;
  onReconnect: (connection: Connection) => void;
  onDelete: (connection: Connection) => void;
}

/** The user's connections (never their secrets). */
export function ConnectionsTable({ connections, providerOf, now, onReconnect, onDelete }: ConnectionsTableProps) {
  return (
    <table className="ff-table cn-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Kind</th>
          <th scope="col">Status</th>
          <th scope="col">Scopes</th>
          <th scope="col">Expires</th>
          <th scope="col">Created</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {connections.map((connection) => (
          <ConnectionRow
            key={connection.id}
            connection={connection}
            provider={providerOf(connection.provider)}
            now={now}
            onReconnect={onReconnect}
            onDelete={onDelete}
          />
        ))}
      </tbody>
    </table>
  );
}
