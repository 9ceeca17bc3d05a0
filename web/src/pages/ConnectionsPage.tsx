import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { ConfirmDialog } from '../flows/ConfirmDialog';
import { connectionsKey, deleteConnection, listConnections, listProviders, providersKey, type Connection } from '../connections/api';
import { announceConnected } from '../connections/connectionEvents';
import { ConnectionsTable } from '../connections/ConnectionsTable';
import { NewConnectionForm } from '../connections/NewConnectionForm';
import { problemText } from '../connections/problemText';
import { ReconnectDialog } from '../connections/ReconnectDialog';
import '../styles/flows.css';
import '../styles/connections.css';

type Notice = { tone: 'success' | 'error'; text: string };

function goTo(url: string) {
  window.location.assign(url);
}

export interface ConnectionsPageProps {
  /** Sends the browser to a provider's consent page (a full-page redirect; it comes back to `/connections?connected=<id>`). */
  onAuthorize?: (authorizeUrl: string) => void;
}

/** The user's connections to other apps: list, create, test, rename, reconnect and delete. */
export function ConnectionsPage({ onAuthorize = goTo }: ConnectionsPageProps) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const connections = useQuery({ queryKey: connectionsKey, queryFn: () => listConnections() });
  const providers = useQuery({ queryKey: providersKey, queryFn: listProviders, staleTime: 5 * 60_000 });
  const [creating, setCreating] = useState(false);
  const [reconnecting, setReconnecting] = useState<Connection | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [returned, setReturned] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  // Back from a provider's consent page: `?connected=<id>`, or `?error=…`.
  useEffect(() => {
    const connected = params.get('connected');
    const error = params.get('error');
    if (!connected && !error) return;
    if (connected) {
      setReturned(connected);
      setNotice({ tone: 'success', text: 'Connected.' });
      announceConnected(connected);
      void queryClient.invalidateQueries({ queryKey: connectionsKey });
    } else {
      const description = params.get('error_description') ?? params.get('message');
      setNotice({
        tone: 'error',
        text: `The connection was not made: ${description ?? (error === 'access_denied' ? 'access was not allowed on the provider’s page.' : error)}`,
      });
    }
    navigate('/connections', { replace: true });
  }, [params, navigate, queryClient]);

  const returnedConnection = returned ? connections.data?.find((c) => c.id === returned) : undefined;
  const shownNotice: Notice | null =
    notice && returnedConnection && notice.tone === 'success' && notice.text === 'Connected.'
      ? { tone: 'success', text: `Connected “${returnedConnection.name}”.` }
      : notice;

  const remove = useMutation({
    mutationFn: (connection: Connection) => deleteConnection(connection.id),
    onSuccess: async (_, connection) => {
      setDeleting(null);
      setNotice({ tone: 'success', text: `Deleted “${connection.name}”.` });
      await queryClient.invalidateQueries({ queryKey: connectionsKey });
    },
  });

  const providerOf = (id: string | null) => (id ? providers.data?.find((p) => p.id === id) : undefined);

  return (
    <div className="ff-page">
      <header className="ff-page-header">
        <h1>Connections</h1>
        <div className="ff-toolbar">
          {!creating && (
            <button
              ref={newButton}
              type="button"
              className="primary"
              onClick={() => {
                setNotice(null);
                setCreating(true);
              }}
            >
              New connection
            </button>
          )}
        </div>
      </header>
      <p className="muted cn-intro">
        Connections are your accounts in other apps. Nodes that talk to an app use one of them; the secrets are stored encrypted and never shown
        again after saving.
      </p>

      {shownNotice && (
        <div className={`cn-notice cn-notice-${shownNotice.tone}`} role={shownNotice.tone === 'error' ? 'alert' : 'status'}>
          <span>{shownNotice.text}</span>
          <button type="button" aria-label="Dismiss message" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}

      {creating && (
        <section className="card cn-new" aria-labelledby="cn-new-title">
          <h2 id="cn-new-title">New connection</h2>
          <NewConnectionForm
            onAuthorize={onAuthorize}
            onCancel={() => setCreating(false)}
            onCreated={async (connection) => {
              setCreating(false);
              setNotice({ tone: 'success', text: `Saved “${connection.name}”. Its secret is stored encrypted and will not be shown again.` });
              await queryClient.invalidateQueries({ queryKey: connectionsKey });
            }}
          />
        </section>
      )}

      {connections.isPending ? (
        <LoadingState label="Loading connections…" />
      ) : connections.isError ? (
        <ErrorState error={connections.error} onRetry={() => connections.refetch()} />
      ) : connections.data.length === 0 ? (
        <EmptyState title="No connections yet">
          <span>Add one with “New connection”: sign in to an app like Slack or GitHub, or store an API key.</span>
        </EmptyState>
      ) : (
        <ConnectionsTable
          connections={connections.data}
          providerOf={providerOf}
          now={now}
          onReconnect={setReconnecting}
          onDelete={(connection) => {
            remove.reset();
            setDeleting(connection);
          }}
        />
      )}

      {reconnecting && (
        <ReconnectDialog
          connection={reconnecting}
          provider={providerOf(reconnecting.provider)}
          onAuthorize={onAuthorize}
          onClose={() => setReconnecting(null)}
          onDone={(connection) => {
            setReconnecting(null);
            setNotice({ tone: 'success', text: `Replaced the secret of “${connection.name}”.` });
          }}
        />
      )}

      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirmLabel="Delete connection"
          busy={remove.isPending}
          error={remove.isError ? `Could not delete: ${problemText(remove.error)}` : null}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>Nodes using it fail until you choose another connection for them.{deleting.kind === 'oauth2' ? ' FlowForge also asks the provider to revoke its tokens.' : ''}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
