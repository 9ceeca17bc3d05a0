import type { KeyDraft } from './keyDraft';

interface KeyFieldsProps {
  draft: KeyDraft;
  onChange: (draft: KeyDraft) => void;
  /** Problems by field name, shown once the user tried to save. */
  problems: Record<string, string>;
  idBase: string;
}

function Problem({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {text}
    </p>
  );
}

/**
 * The fields of a key-based connection. Secret inputs are password inputs that start empty: a stored secret is never
 * sent back to the page, so there is nothing to pre-fill.
 */
export function KeyFields({ draft, onChange, problems, idBase }: KeyFieldsProps) {
  const set = (patch: Partial<KeyDraft>) => onChange({ ...draft, ...patch });
  const field = (name: keyof KeyDraft, label: string, secret: boolean, extra?: { placeholder?: string; help?: string }) => {
    const id = `${idBase}-${name}`;
    const problem = problems[name];
    const described = [extra?.help ? `${id}-help` : null, problem ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
    return (
      <div className={`field${problem ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        <input
          id={id}
          type={secret ? 'password' : 'text'}
          autoComplete={secret ? 'new-password' : 'off'}
          spellCheck={false}
          value={draft[name] as string}
          placeholder={extra?.placeholder}
          aria-invalid={problem ? true : undefined}
          aria-describedby={described}
          onChange={(e) => set({ [name]: e.target.value } as Partial<KeyDraft>)}
        />
        {extra?.help && (
          <p className="field-help" id={`${id}-help`}>
            {extra.help}
          </p>
        )}
        <Problem id={`${id}-error`} text={problem} />
      </div>
    );
  };

  switch (draft.kind) {
    case 'apiKey':
      return (
        <>
          <fieldset className="cn-placement">
            <legend className="field-label">Send the key in</legend>
            <label>
              <input type="radio" name={`${idBase}-in`} checked={draft.placement === 'header'} onChange={() => set({ placement: 'header', keyName: draft.keyName || 'X-Api-Key' })} /> a
              header
            </label>
            <label>
              <input type="radio" name={`${idBase}-in`} checked={draft.placement === 'query'} onChange={() => set({ placement: 'query' })} /> a query
              parameter
            </label>
          </fieldset>
          {field('keyName', draft.placement === 'header' ? 'Header name' : 'Query parameter name', false, {
            placeholder: draft.placement === 'header' ? 'X-Api-Key' : 'api_key',
          })}
          {field('key', 'API key', true)}
        </>
      );
    case 'bearer':
      return field('token', 'Token', true, { help: 'Sent as “Authorization: Bearer <token>”.' });
    case 'basic':
      return (
        <>
          {field('username', 'User name', false)}
          {field('password', 'Password', true)}
        </>
      );
    case 'headers': {
      const rows = draft.headers;
      const setRow = (index: number, patch: Partial<KeyDraft['headers'][number]>) => set({ headers: rows.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
      const problem = problems.headers;
      return (
        <fieldset className="cn-headers" aria-describedby={problem ? `${idBase}-headers-error` : undefined}>
          <legend className="field-label">Headers sent with every request</legend>
          {rows.map((row, index) => (
            <div className="cn-header-row" key={index}>
              <label className="visually-hidden" htmlFor={`${idBase}-h${index}-name`}>
                Header {index + 1} name
              </label>
              <input
                id={`${idBase}-h${index}-name`}
                value={row.name}
                placeholder="Header name"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setRow(index, { name: e.target.value })}
              />
              <label className="visually-hidden" htmlFor={`${idBase}-h${index}-value`}>
                Header {index + 1} value
              </label>
              <input
                id={`${idBase}-h${index}-value`}
                type="password"
                autoComplete="new-password"
                value={row.value}
                placeholder="Value"
                onChange={(e) => setRow(index, { value: e.target.value })}
              />
              <button
                type="button"
                aria-label={`Remove header ${index + 1}`}
                disabled={rows.length === 1}
                onClick={() => set({ headers: rows.filter((_, i) => i !== index) })}
              >
                ×
              </button>
            </div>
          ))}
          <div>
            <button type="button" onClick={() => set({ headers: [...rows, { name: '', value: '' }] })}>
              Add header
            </button>
          </div>
          <Problem id={`${idBase}-headers-error`} text={problem} />
        </fieldset>
      );
    }
  }
}
