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
  type GenericOAuth,
  type KeyKind,
  type ProviderField,
} from './api';
import { fieldProblems, fieldsRequest, genericOAuthFields, initialValues, type FieldValues } from './providerFields';
import { ProviderFieldInputs } from './ProviderFieldInputs';
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

/** The fields a provider asks for: the generic OAuth provider's URLs and client, a key provider's host or key. */
function formFields(provider: ConnectionProvider | undefined, kind: ConnectionKind): ProviderField[] {
  if (!provider) return [];
  const listed = (provider.fields ?? []).filter((f) => f.name !== 'scopes');
  if (kind === 'oauth2') return isGeneric(provider) ? (listed.length > 0 ? listed : genericOAuthFields) : [];
  return listed;
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
  const [values, setValues] = useState<FieldValues>(() => initialValues(formFields(chosen, kinds[0])));
  const [tried, setTried] = useState(false);

  const pickProvider = (id: string) => {
    const next = providers.find((p) => p.id === id);
    const nextKinds = kindsOf(next);
    setProviderId(id);
    setKind(nextKinds[0]);
    if (nextKinds[0] !== 'oauth2') setDraft(emptyDraft(nextKinds[0] as KeyKind));
    setScopes((next?.scopes ?? []).join(' '));
    setValues(initialValues(formFields(next, nextKinds[0])));
    if (!nameTouched) setName(next?.displayName ?? '');
    setTried(false);
  };
  const pickKind = (next: ConnectionKind) => {
    setKind(next);
    if (next !== 'oauth2') setDraft(emptyDraft(next));
    setValues(initialValues(formFields(chosen, next)));
    setTried(false);
  };

  const create = useMutation({
    mutationFn: () => {
      const request = fields.length > 0 ? fieldsRequest(fields, values) : draftRequest(draft);
      return createConnection({ name: name.trim(), kind: kind as KeyKind, ...(providerId ? { provider: providerId } : {}), ...request });
    },
    onSuccess: onCreated,
  });
  const connect = useMutation({
    mutationFn: () =>
      startOAuth(providerId, {
        name: name.trim() || undefined,
        scopes: splitScopes(scopes),
        ...(genericProvider ? { generic: { ...genericRequest(), scopes: splitScopes(scopes) } } : {}),
      }),
    onSuccess: (answer) => onAuthorize(answer.authorizeUrl),
  });

  const oauth = kind === 'oauth2';
  const genericProvider = oauth && chosen !== undefined && isGeneric(chosen);
  const fields = formFields(chosen, kind);
  const genericRequest = () => {
    const { secret, settings } = fieldsRequest(fields, values);
    return { ...settings, ...secret } as unknown as Omit<GenericOAuth, 'scopes'>;
  };
  const notConfigured = oauth && chosen !== undefined && !genericProvider && chosen.configured === false;
  const problems: Record<string, string> = {};
  if (name.trim() === '' && !oauth) problems.name = 'Give the connection a name, for example the account it is for.';
  if (fields.length > 0) Object.assign(problems, fieldProblems(fields, values));
  else if (!oauth) Object.assign(problems, draftProblems(draft));
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
          {genericProvider && <ProviderFieldInputs fields={fields} values={values} onChange={setValues} problems={shown} idBase={idBase} />}
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
      ) : fields.length > 0 ? (
        <ProviderFieldInputs fields={fields} values={values} onChange={setValues} problems={shown} idBase={idBase} />
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
