import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { maxTokenNameLength } from './api';

const expiryChoices: { label: string; days: number | null }[] = [
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: 'The longest allowed (1 year by default)', days: null },
];

/** Name and expiry of a new token. */
export function CreateTokenForm({ busy, error, onCreate }: { busy: boolean; error: unknown; onCreate: (name: string, days: number | null) => void }) {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('1');
  const [touched, setTouched] = useState(false);
  const trimmed = name.trim();
  const nameProblem = touched && trimmed === '' ? 'Give the token a name, for example the script that will use it.' : null;
  const serverProblem = error instanceof ApiError ? (error.detail ?? error.title) : error ? String(error) : null;
  const fieldIsName = error instanceof ApiError && error.field === 'name';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (trimmed === '') return;
    onCreate(trimmed, expiryChoices[Number(expiry)].days);
  };

  return (
    <form className="tk-form card" onSubmit={submit} noValidate>
      <h2>New token</h2>
      <div className="tk-form-fields">
        <label>
          Name
          <input
            value={name}
            maxLength={maxTokenNameLength}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => setTouched(name !== '')}
            aria-invalid={nameProblem !== null || fieldIsName}
            aria-describedby={nameProblem || serverProblem ? 'tk-form-problem' : undefined}
            placeholder="e.g. nightly export script"
          />
        </label>
        <label>
          Expires after
          <select value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {expiryChoices.map((choice, i) => (
              <option key={choice.label} value={String(i)}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
      {(nameProblem || serverProblem) && (
        <p id="tk-form-problem" className="form-error" role="alert">
          {nameProblem ?? serverProblem}
        </p>
      )}
    </form>
  );
}
