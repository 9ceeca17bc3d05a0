import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { exactTime, relativeTime } from '../flows/relativeTime';
import { connectionsKey, kindNames, maxConnectionNameLength, testConnection, updateConnection, type Connection, type ConnectionProvider } from './api';
import { ConnectionStatusBadge } from './ConnectionStatusBadge';
import { problemText } from './problemText';
import { ProviderIcon } from './ProviderIcon';

function When({ iso, never, now }: { iso: string | null | undefined; never: string; now: number }) {
  if (!iso) return <span className="muted">{never}</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}

export interface ConnectionRowProps {
  connection: Connection;
  provider: ConnectionProvider | undefined;
  now: number;
  onReconnect: (connection: Connection) => void;
  onDelete: (connection: Connection) => void;
}

/** One connection: what it is and its state, with Test, Rename (in place), Reconnect and Delete. */
export function ConnectionRow({ connection, provider, now, onReconnect, onDelete }: ConnectionRowProps) {
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(connection.name);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  useEffect(() => {
    if (renaming) input.current?.select();
    else if (refocus.current) {
      refocus.current = false;
      renameButton.current?.focus();
    }
  }, [renaming]);

  const rename = useMutation({
    mutationFn: (next: string) => updateConnection(connection.id, { name: next }),
    onSuccess: async () => {
      refocus.current = true;
      setRenaming(false);
      await queryClient.invalidateQueries({ queryKey: connectionsKey });
    },
  });
  const test = useMutation({
    mutationFn: () => testConnection(connection.id),
    // A test can find a connection broken (or mend one): show its new status too.
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectionsKey }),
  });

  const saveName = () => {
    const trimmed = name.trim();
    if (trimmed === '' || rename.isPending) return;
    if (trimmed === connection.name) {
      refocus.current = true;
      setRenaming(false);
      return;
    }
    rename.mutate(trimmed);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      saveName();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      refocus.current = true;
      setRenaming(false);
      setName(connection.name);
      rename.reset();
    }
  };

  const providerName = provider?.displayName ?? connection.provider ?? 'Any API';
  const expired = connection.expiresAt !== null && new Date(connection.expiresAt).getTime() <= now;
  const testId = `cn-test-${connection.id}`;

  return (
    <tr data-connection={connection.id}>
      <td className="cn-name-cell">
        <div className="cn-name-line">
          <ProviderIcon provider={provider} id={connection.provider} />
          <div className="cn-name-text">
            {renaming ? (
              <div className="cn-rename">
                <label className="visually-hidden" htmlFor={`cn-rename-${connection.id}`}>
                  New name for {connection.name}
                </label>
                <input
                  id={`cn-rename-${connection.id}`}
                  ref={input}
                  value={name}
                  maxLength={maxConnectionNameLength}
                  aria-invalid={name.trim() === '' || rename.isError || undefined}
                  onChange={(e) => setName(e.target.value)}
                  onKeyDown={onKeyDown}
                />
                <button type="button" className="primary" onClick={saveName} disabled={name.trim() === '' || rename.isPending}>
                  Save
                </button>
                <button
                  type="button"
                  onClick={() => {
                    refocus.current = true;
                    setRenaming(false);
                    setName(connection.name);
                    rename.reset();
                  }}
                >
                  Cancel
                </button>
              </div>
            ) : (
              <span className="ff-name">{connection.name}</span>
            )}
            <span className="muted cn-provider-name">{providerName}</span>
            {rename.isError && (
              <p className="ff-row-problem" role="alert">
                Could not rename: {problemText(rename.error)}
              </p>
            )}
          </div>
        </div>
      </td>
      <td>{kindNames[connection.kind] ?? connection.kind}</td>
      <td>
        <ConnectionStatusBadge connection={connection} />
        <div id={testId} className="cn-test-result" aria-live="polite">
          {test.isPending && <span className="muted">Testing…</span>}
          {test.isSuccess && (
            <span className={test.data.ok ? 'cn-test-ok' : 'cn-test-failed'}>
              {test.data.ok ? '✓ ' : '✗ '}
              {test.data.message || (test.data.ok ? 'It works.' : 'It did not work.')}
            </span>
          )}
          {test.isError && <span className="cn-test-failed">✗ {problemText(test.error)}</span>}
        </div>
      </td>
      <td>
        {connection.scopes.length > 0 ? (
          <ul className="ff-badges cn-scopes" aria-label="Scopes">
            {connection.scopes.map((s) => (
              <li key={s} className="ff-badge">
                {s}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {connection.expiresAt ? (
          <span className={expired ? 'cn-expired' : undefined}>
            <When iso={connection.expiresAt} never="" now={now} />
            {connection.kind === 'oauth2' && <span className="muted cn-renews">{expired ? ' (renewed on next use)' : ''}</span>}
          </span>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      <td>
        <When iso={connection.createdAt} never="" now={now} />
      </td>
      <td className="ff-actions">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending} aria-label={`Test ${connection.name}`} aria-describedby={testId}>
          Test
        </button>
        <button
          ref={renameButton}
          type="button"
          onClick={() => {
            setName(connection.name);
            setRenaming(true);
          }}
          disabled={renaming}
          aria-label={`Rename ${connection.name}`}
        >
          Rename
        </button>
        <button type="button" onClick={() => onReconnect(connection)} aria-label={`Reconnect ${connection.name}`}>
          Reconnect
        </button>
        <button type="button" className="danger" onClick={() => onDelete(connection)} aria-label={`Delete ${connection.name}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}
