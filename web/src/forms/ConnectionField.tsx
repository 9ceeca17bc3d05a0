import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { connectionsKey, listConnections, type Connection } from '../connections/api';
import { useConnectionEvents } from '../connections/connectionEvents';
import { NewConnectionForm } from '../connections/NewConnectionForm';
import { problemText } from '../connections/problemText';
import { Modal } from '../runs/Modal';
import { describedBy, FieldShell } from './FieldShell';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { problemsFor, useFormContext } from './formContext';
import '../styles/connections.css';
import '../styles/runs.css';

function optionText(connection: Connection): string {
  if (connection.status === 'broken') return `${connection.name} — broken${connection.statusReason ? `: ${connection.statusReason}` : ''}`;
  return connection.name;
}

/** Opens a provider's consent page in a new tab: the editor keeps its unsaved changes. */
function openInNewTab(url: string) {
  window.open(url, '_blank', 'noopener');
}

/**
 * A node's `connectionId`: a select of the user's connections of the node's provider (all of them when the node names
 * none), broken ones marked, and "New connection…" which makes one without leaving the editor.
 */
export function ConnectionField({ name, path, schema, value, onChange, required, idBase, provider, openTab = openInNewTab }: FieldProps & { provider: string | null; openTab?: (url: string) => void }) {
  const { problems } = useFormContext();
  const queryClient = useQueryClient();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, true);
  const [creating, setCreating] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const list = useQuery({
    queryKey: [...connectionsKey, { provider }],
    queryFn: () => listConnections(provider ?? undefined),
    select: (items) => (provider ? items.filter((c) => c.provider === provider) : items),
  });

  const refresh = useCallback(
    (connectedId?: string) => {
      void queryClient.invalidateQueries({ queryKey: connectionsKey });
      if (connectedId && waiting) {
        onChange(connectedId);
        setWaiting(false);
        setCreating(false);
      }
    },
    [queryClient, waiting, onChange],
  );
  useConnectionEvents(refresh);

  const selected = typeof value === 'string' ? value : '';
  const current = list.data?.find((c) => c.id === selected);
  const help = schema.description ?? (provider ? undefined : 'Any of your connections: its credentials are added to the request.');
  // The setting holds an id, but the user picks a connection by name.
  const label = path === 'connectionId' ? 'Connection' : titleOf(name, schema);

  return (
    <FieldShell id={id} label={label} description={help} required={required} problems={own}>
      <div className="cn-picker">
        <select
          id={id}
          value={selected}
          required={required}
          disabled={list.isPending}
          aria-invalid={own.length > 0 || current?.status === 'broken' || undefined}
          aria-describedby={describedBy(id, help, own)}
          onChange={(e) => onChange(e.target.value === '' ? (required ? '' : undefined) : e.target.value)}
        >
          <option value="">{list.isPending ? 'Loading connections…' : list.data?.length === 0 ? 'No connections yet' : 'Choose a connection…'}</option>
          {list.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {optionText(c)}
            </option>
          ))}
          {selected !== '' && list.data && !current && <option value={selected}>{selected.includes('{{') ? selected : `Not one of your connections (${selected})`}</option>}
        </select>
        <button type="button" onClick={() => setCreating(true)}>
          New connection…
        </button>
      </div>
      {list.isError && (
        <p className="field-error" role="alert">
          Could not load your connections: {problemText(list.error)}{' '}
          <button type="button" onClick={() => list.refetch()}>
            Try again
          </button>
        </p>
      )}
      {current?.status === 'broken' && (
        <p className="field-error" role="alert">
          “{current.name}” is broken{current.statusReason ? `: ${current.statusReason}` : ''}. Reconnect it on the{' '}
          <a href="/connections" target="_blank" rel="noopener">
            Connections page
          </a>
          .
        </p>
      )}
      {creating && (
        <Modal
          title="New connection"
          className="cn-dialog"
          onClose={() => {
            setCreating(false);
            setWaiting(false);
          }}
        >
          {waiting ? (
            <div className="cn-form">
              <p role="status">Finish connecting in the new tab. This list refreshes when you come back here, and the new connection is chosen.</p>
              <div className="cn-form-actions">
                <button
                  type="button"
                  onClick={() => {
                    setWaiting(false);
                    setCreating(false);
                  }}
                >
                  Close
                </button>
              </div>
            </div>
          ) : (
            <NewConnectionForm
              provider={provider ?? undefined}
              connectLabel="Connect in a new tab"
              onCancel={() => setCreating(false)}
              onAuthorize={(url) => {
                setWaiting(true);
                openTab(url);
              }}
              onCreated={async (connection) => {
                await queryClient.invalidateQueries({ queryKey: connectionsKey });
                onChange(connection.id);
                setCreating(false);
              }}
            />
          )}
        </Modal>
      )}
    </FieldShell>
  );
}
