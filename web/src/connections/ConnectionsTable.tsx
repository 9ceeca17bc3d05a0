import { DataTable } from '../components/DataTable';
import type { Connection, ConnectionProvider } from './api';
import { ConnectionRow } from './ConnectionRow';

export interface ConnectionsTableProps {
  connections: Connection[];
  providerOf: (id: string | null) => ConnectionProvider | undefined;
  now: number;
  onReconnect: (connection: Connection) => void;
  onDelete: (connection: Connection) => void;
}

const columns = ['Name', 'Kind', 'Status', 'Scopes', 'Expires', 'Created'];

/** The user's connections (never their secrets). */
export function ConnectionsTable({ connections, providerOf, now, onReconnect, onDelete }: ConnectionsTableProps) {
  return (
    <DataTable columns={columns} className="cn-table">
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
    </DataTable>
  );
}
