import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ErrorState, LoadingState } from '../components/States';
import {
  createConnection,
  kindNames,
  listProviders,
  maxConnectionNameLength,
  providersKey,
  startOAuth,
  type Connection,
  type ConnectionKind,
  type ConnectionProvider,
  type KeyKind,
} from './api';
import { draftProblems, draftRequest, emptyDraft, keyKinds, type KeyDraft } from './keyDraft';
import { KeyFields } from './KeyFields';
import { problemText } from './problemText';
import { ProviderIcon } from './ProviderIcon';
import { isGeneric, splitScopes } from './providers';
import '../styles/connections.css';

export interface NewConnectionFormProps {
  /** Only this provider may be chosen (a node that needs a Slack connection); undefined lets the user pick. */
  provider?: string;
  onCreated: (connection: Connection) => void;
  /** Where the browser goes for an OAuth provider's consent page: the page redirects, the editor opens a tab. */
  onAuthorize: (authorizeUrl: string) => void;
  onCancel?: () => void;
  /** Text of the OAuth button ("Connect", "Connect in a new tab"). */
  connectLabel?: string;
}

const noProvider = '';

interface GenericDraft {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Choose a provider, then either connect through its OAuth consent page or enter the key it takes. */
export function NewConnectionForm({ provider, onCreated, onAuthorize, onCancel, connectLabel = 'Connect' }: NewConnectionFormProps) {
  const providers = useQuery({ queryKey: providersKey, queryFn: listProviders, staleTime: 5 * 60_000 });
  if (providers.isPending) return <LoadingState label="Loading providers…" />;
  if (providers.isError) return <ErrorState error={providers.error} onRetry={() => providers.refetch()} />;
  const choices = provider ? providers.data.filter((p) => p.id === provider) : providers.data;
  return (
    <ProviderForm
      key={provider ?? ''}
      providers={choices}
      locked={provider !== undefined}
      lockedId={provider}
      onCreated={onCreated}
      onAuthorize={onAuthorize}
      onCancel={onCancel}
      connectLabel={connectLabel}
    />
  );
}

function kindsOf(provider: ConnectionProvider | undefined): ConnectionKind[] {
  if (!provider) return keyKinds;
  return provider.kinds.length > 0 ? provider.kinds : keyKinds;
}

function ProviderForm({
  providers,
  locked,
  lockedId,
  onCreated,
  onAuthorize,
  onCancel,
  connectLabel,
}: {
  providers: ConnectionProvider[];
  locked: boolean;
  lockedId?: string;
  onCreated: (connection: Connection) => void;
  onAuthorize: (authorizeUrl: string) => void;
  onCancel?: () => void;
  connectLabel: string;
}) {
  const idBase = `cn-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const [providerId, setProviderId] = useState<string>(locked ? (lockedId ?? noProvider) : noProvider);
  const chosen = providers.find((p) => p.id === providerId);
  const kinds = kindsOf(chosen);
  const [kind, setKind] = useState<ConnectionKind>(kinds[0]);
  const [name, setName] = useState(chosen?.displayName ?? '');
  const [nameTouched, setNameTouched] = useState(false);
  const [draft, setDraft] = useState<KeyDraft>(() => emptyDraft(kind === 'oauth2' ? 'apiKey' : kind));
  const [scopes, setScopes] = useState((chosen?.scopes ?? []).join(' '));
  const [generic, setGeneric] = useState<GenericDraft>({ authorizeUrl: '', tokenUrl: '', clientId: '', clientSecret: '' });
  const [tried, setTried] = useState(false);

  const pickProvider = (id: string) => {
    const next = providers.find((p) => p.id === id);
    const nextKinds = kindsOf(next);
    setProviderId(id);
    setKind(nextKinds[0]);
    if (nextKinds[0] !== 'oauth2') setDraft(emptyDraft(nextKinds[0] as KeyKind));
    setScopes((next?.scopes ?? []).join(' '));
    if (!nameTouched) setName(next?.displayName ?? '');
    setTried(false);
  };
  const pickKind = (next: ConnectionKind) => {
    setKind(next);
    if (next !== 'oauth2') setDraft(emptyDraft(next));
    setTried(false);
  };

  const create = useMutation({
    mutationFn: () => {
      const request = draftRequest(draft);
      return createConnection({ name: name.trim(), kind: draft.kind, ...(providerId ? { provider: providerId } : {}), ...request });
    },
    onSuccess: onCreated,
  });
  const connect = useMutation({
    mutationFn: () =>
      startOAuth(providerId, {
        name: name.trim() || undefined,
        scopes: splitScopes(scopes),
        ...(chosen && isGeneric(chosen)
          ? { generic: { authorizeUrl: generic.authorizeUrl.trim(), tokenUrl: generic.tokenUrl.trim(), clientId: generic.clientId.trim(), clientSecret: generic.clientSecret, scopes: splitScopes(scopes) } }
          : {}),
      }),
    onSuccess: (answer) => onAuthorize(answer.authorizeUrl),
  });

  const oauth = kind === 'oauth2';
  const genericProvider = oauth && chosen !== undefined && isGeneric(chosen);
  const notConfigured = oauth && chosen !== undefined && !genericProvider && chosen.configured === false;
  const problems: Record<string, string> = {};
  if (name.trim() === '' && !oauth) problems.name = 'Give the connection a name, for example the account it is for.';
  if (!oauth) Object.assign(problems, draftProblems(draft));
  if (genericProvider) {
    for (const [field, label] of [
      ['authorizeUrl', 'authorize URL'],
      ['tokenUrl', 'token URL'],
    ] as const) {
      const value = generic[field].trim();
      if (value === '') problems[field] = `Enter the provider's ${label}.`;
      else if (!/^https?:\/\/\S+$/i.test(value)) problems[field] = `The ${label} must start with https:// (or http://).`;
    }
    if (generic.clientId.trim() === '') problems.clientId = 'Enter the client id the provider gave you.';
    if (generic.clientSecret === '') problems.clientSecret = 'Enter the client secret the provider gave you.';
  }
  const shown = tried ? problems : {};
  const busy = create.isPending || connect.isPending;
  const serverError = create.error ?? connect.error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(problems).length > 0 || busy || notConfigured) return;
    if (oauth) connect.mutate();
    else create.mutate();
  };

  const genericField = (field: keyof GenericDraft, label: string, secret = false, placeholder?: string) => {
    const id = `${idBase}-${field}`;
    return (
      <div className={`field${shown[field] ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        <input
          id={id}
          type={secret ? 'password' : 'text'}
          autoComplete={secret ? 'new-password' : 'off'}
          spellCheck={false}
          value={generic[field]}
          placeholder={placeholder}
          aria-invalid={shown[field] ? true : undefined}
          aria-describedby={shown[field] ? `${id}-error` : undefined}
          onChange={(e) => setGeneric({ ...generic, [field]: e.target.value })}
        />
        {shown[field] && (
          <p className="field-error" id={`${id}-error`} role="alert">
            {shown[field]}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className="cn-form" onSubmit={submit} noValidate aria-label="New connection">
      <div className="cn-form-row">
        <div className="field">
          <label className="field-label" htmlFor={`${idBase}-provider`}>
            Provider
          </label>
          <div className="cn-provider-pick">
            <ProviderIcon provider={chosen} id={providerId || null} />
            <select id={`${idBase}-provider`} value={providerId} disabled={locked} onChange={(e) => pickProvider(e.target.value)}>
              {!locked && <option value={noProvider}>Any other API (a key, a token or headers)</option>}
              {locked && !chosen && <option value={providerId}>{providerId}</option>}
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.displayName}
                </option>
              ))}
            </select>
          </div>
        </div>
        {kinds.length > 1 && (
          <div className="field">
            <label className="field-label" htmlFor={`${idBase}-kind`}>
              Sign-in method
            </label>
            <select id={`${idBase}-kind`} value={kind} onChange={(e) => pickKind(e.target.value as ConnectionKind)}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {kindNames[k] ?? k}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className={`field${shown.name ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={`${idBase}-name`}>
          Name
        </label>
        <input
          id={`${idBase}-name`}
          value={name}
          maxLength={maxConnectionNameLength}
          autoComplete="off"
          placeholder={oauth ? (chosen?.displayName ?? 'e.g. Team workspace') : 'e.g. Billing API (production)'}
          aria-invalid={shown.name ? true : undefined}
          aria-describedby={shown.name ? `${idBase}-name-error` : undefined}
          onChange={(e) => {
            setName(e.target.value);
            setNameTouched(true);
          }}
        />
        {shown.name && (
          <p className="field-error" id={`${idBase}-name-error`} role="alert">
            {shown.name}
          </p>
        )}
      </div>

      {oauth ? (
        <>
          {genericProvider && (
            <>
              {genericField('authorizeUrl', 'Authorize URL', false, 'https://provider.example/oauth/authorize')}
              {genericField('tokenUrl', 'Token URL', false, 'https://provider.example/oauth/token')}
              {genericField('clientId', 'Client id')}
              {genericField('clientSecret', 'Client secret', true)}
            </>
          )}
          <div className="field">
            <label className="field-label" htmlFor={`${idBase}-scopes`}>
              Scopes
            </label>
            <input id={`${idBase}-scopes`} value={scopes} spellCheck={false} autoComplete="off" aria-describedby={`${idBase}-scopes-help`} onChange={(e) => setScopes(e.target.value)} />
            <p className="field-help" id={`${idBase}-scopes-help`}>
              Separated by spaces. {chosen?.scopes?.length ? 'The provider’s usual scopes are filled in.' : ''}
            </p>
          </div>
          {notConfigured ? (
            <p className="cn-note" role="note">
              This server has no OAuth client for {chosen?.displayName}: set <code>Connections:Providers:{chosen?.id}:ClientId</code> and{' '}
              <code>ClientSecret</code> in its configuration first.
            </p>
          ) : (
            <p className="cn-note">
              {chosen?.displayName ?? 'The provider'} asks you to allow FlowForge access, then sends you back here. FlowForge keeps the tokens encrypted and
              renews them before they expire.
            </p>
          )}
        </>
      ) : (
        <KeyFields draft={draft} onChange={setDraft} problems={shown} idBase={idBase} />
      )}

      {serverError != null && (
        <p className="form-error" role="alert">
          {problemText(serverError)}
        </p>
      )}
      <div className="cn-form-actions">
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={busy || notConfigured}>
          {oauth ? (connect.isPending ? 'Opening…' : connectLabel) : create.isPending ? 'Saving…' : 'Save connection'}
        </button>
      </div>
    </form>
  );
}
