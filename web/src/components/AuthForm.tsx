import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';

interface Props {
  title: string;
  intro: string;
  submitLabel: string;
  passwordAutocomplete: 'new-password' | 'current-password';
  onSubmit: (email: string, password: string) => Promise<unknown>;
}

/** The email + password card shared by "create the owner account" and "sign in". */
export function AuthForm({ title, intro, submitLabel, passwordAutocomplete, onSubmit }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(email, password);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  const field = error instanceof ApiError ? error.field : undefined;
  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>{title}</h1>
        <p className="muted">{intro}</p>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            autoFocus
            value={email}
            aria-invalid={field === 'email'}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete={passwordAutocomplete}
            required
            value={password}
            aria-invalid={field === 'password'}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Please wait…' : submitLabel}
        </button>
      </form>
    </div>
  );
}
