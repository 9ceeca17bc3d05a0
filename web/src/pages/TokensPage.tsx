import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { ConfirmDialog } from '../flows/ConfirmDialog';
import { createToken, listTokens, revokeToken, type ApiToken, type CreatedApiToken } from '../tokens/api';
import { CreateTokenForm } from '../tokens/CreateTokenForm';
import { NewTokenSecret } from '../tokens/NewTokenSecret';
import { TokensTable } from '../tokens/TokensTable';
import '../styles/flows.css';
import '../styles/tokens.css';

export function TokensPage() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: listTokens });
  // The secret lives in this component's state only: leaving the page or reloading forgets it.
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const create = useMutation({
    mutationFn: ({ name, days }: { name: string; days: number | null }) => createToken(name, days),
    onSuccess: async (token) => {
      setCreated(token);
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => revokeToken(token.id),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });

  return (
    <div className="ff-page">
      <header className="ff-page-header">
        <h1>API tokens</h1>
      </header>
      <p className="muted tk-intro">
        Scripts and other programs call the API with a token instead of your password: send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        Revoking a token stops it at once.
      </p>

      {created ? (
        <NewTokenSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm busy={create.isPending} error={create.error} onCreate={(name, days) => create.mutate({ name, days })} />
      )}

      {tokens.isPending ? (
        <LoadingState label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No API tokens yet">
          <span>Create one above for each script, so that each can be revoked on its own.</span>
        </EmptyState>
      ) : (
        <TokensTable
          tokens={tokens.data}
          now={now}
          onRevoke={(token) => {
            revoke.reset();
            setRevoking(token);
          }}
        />
      )}

      {revoking && (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          busy={revoke.isPending}
          error={revoke.isError ? `Could not revoke: ${revoke.error instanceof ApiError ? (revoke.error.detail ?? revoke.error.title) : String(revoke.error)}` : null}
          onConfirm={() => revoke.mutate(revoking)}
          onCancel={() => setRevoking(null)}
        >
          <p>Anything still using this token gets “401 Unauthorized” from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
