import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Modal } from '../runs/Modal';
import { connectionsKey, startOAuth, updateConnection, type Connection, type ConnectionProvider } from './api';
import { draftProblems, draftRequest, emptyDraft, type KeyDraft } from './keyDraft';
import { KeyFields } from './KeyFields';
import { problemText } from './problemText';
import { fieldProblems, fieldsRequest, initialValues, isSecretField, type FieldValues } from './providerFields';
import { ProviderFieldInputs } from './ProviderFieldInputs';
import '../styles/runs.css';

export interface ReconnectDialogProps {
  connection: Connection;
  provider: ConnectionProvider | undefined;
  onAuthorize: (authorizeUrl: string) => void;
  onDone: (connection: Connection) => void;
  onClose: () => void;
}

/**
 * Mends a connection: an OAuth one goes through the provider's consent page again (the same connection gets the new
 * tokens); a key-based one takes a new secret, which replaces the stored one (it is never shown, so never pre-filled).
 */
export function ReconnectDialog({ connection, provider, onAuthorize, onDone, onClose }: ReconnectDialogProps) {
  const queryClient = useQueryClient();
  const idBase = `cn-re-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const [draft, setDraft] = useState<KeyDraft>(() => emptyDraft(connection.kind === 'oauth2' ? 'bearer' : connection.kind, connection));
  const [tried, setTried] = useState(false);
  const oauth = connection.kind === 'oauth2';
  // A provider that lists its fields (SMTP, OpenAI): only its secret ones are asked for again.
  const secretFields = oauth ? [] : (provider?.fields ?? []).filter(isSecretField);
  const [values, setValues] = useState<FieldValues>(() => initialValues(secretFields));

  const replace = useMutation({
    mutationFn: () => updateConnection(connection.id, secretFields.length > 0 ? { secret: fieldsRequest(secretFields, values).secret } : draftRequest(draft)),
    onSuccess: async (updated) => {
      await queryClient.invalidateQueries({ queryKey: connectionsKey });
      onDone(updated);
    },
  });
  const reconnect = useMutation({
    mutationFn: () => startOAuth(connection.provider ?? '', { connectionId: connection.id, scopes: connection.scopes.length > 0 ? connection.scopes : undefined }),
    onSuccess: (answer) => onAuthorize(answer.authorizeUrl),
  });

  const problems = oauth ? {} : secretFields.length > 0 ? fieldProblems(secretFields, values) : draftProblems(draft);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (oauth) reconnect.mutate();
    else if (Object.keys(problems).length === 0) replace.mutate();
  };
  const busy = replace.isPending || reconnect.isPending;
  const error = replace.error ?? reconnect.error;
  const providerName = provider?.displayName ?? connection.provider ?? 'the provider';

  return (
    <Modal title={`Reconnect “${connection.name}”`} onClose={() => !busy && onClose()}>
      <form className="cn-form" onSubmit={submit} noValidate>
        {oauth ? (
          <p className="cn-note">
            You will go to {providerName} to allow access again. The connection keeps its name and id, so the flows using it keep working.
          </p>
        ) : (
          <>
            <p className="cn-saved" role="note">
              A secret is saved. It is never shown again — enter a new value to replace it.
            </p>
            {secretFields.length > 0 ? (
              <ProviderFieldInputs fields={secretFields} values={values} onChange={setValues} problems={tried ? problems : {}} idBase={idBase} />
            ) : (
              <KeyFields draft={draft} onChange={setDraft} problems={tried ? problems : {}} idBase={idBase} />
            )}
          </>
        )}
        {error != null && (
          <p className="form-error" role="alert">
            {problemText(error)}
          </p>
        )}
        <div className="cn-form-actions">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {oauth ? (reconnect.isPending ? 'Opening…' : `Continue to ${providerName}`) : replace.isPending ? 'Saving…' : 'Replace secret'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
