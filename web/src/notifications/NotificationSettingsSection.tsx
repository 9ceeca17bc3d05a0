import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { ErrorState, LoadingState } from '../components/States';
import { fetchSettings, saveSettings } from './api';
import '../styles/notifications.css';

/** Where failure digests go and how often at most. */
export function NotificationSettingsSection() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['notification-settings'], queryFn: fetchSettings });
  const [email, setEmail] = useState('');
  const [minutes, setMinutes] = useState('1');
  const save = useMutation({
    mutationFn: saveSettings,
    onSuccess: (saved) => queryClient.setQueryData(['notification-settings'], saved),
  });

  useEffect(() => {
    if (!settings.data) return;
    setEmail(settings.data.emailIsAccountDefault ? '' : (settings.data.email ?? ''));
    setMinutes(String(settings.data.digestMinutes));
  }, [settings.data]);

  if (settings.isPending) return <LoadingState label="Loading notification settings…" />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => settings.refetch()} />;
  const data = settings.data;
  const fieldError = (field: string) => (save.error instanceof ApiError && save.error.field === field ? save.error.message : undefined);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ email: email.trim() === '' ? null : email.trim(), digestMinutes: Number(minutes) });
  };

  return (
    <section className="notify-settings" aria-labelledby="notify-settings-title">
      <h2 id="notify-settings-title">Failure emails</h2>
      {!data.emailEnabled && (
        <p role="note" className="notify-note">
          {data.note}
        </p>
      )}
      <form onSubmit={onSubmit}>
        <label>
          Send digests to
          <input
            type="email"
            value={email}
            placeholder={data.emailIsAccountDefault ? (data.email ?? 'your account email') : 'your account email'}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!!fieldError('email')}
            aria-describedby="notify-email-help"
          />
        </label>
        <p id="notify-email-help" className="muted">
          {fieldError('email') ?? 'Leave empty to use your account email.'}
        </p>
        <label>
          At most one email every (minutes)
          <input
            type="number"
            min={1}
            max={data.maxDigestMinutes}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            aria-invalid={!!fieldError('digestMinutes')}
          />
        </label>
        {fieldError('digestMinutes') && <p role="alert">{fieldError('digestMinutes')}</p>}
        <p className="muted">Failures that come in between are collected into one digest.</p>
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        {save.isSuccess && <span role="status"> Saved.</span>}
        {save.isError && !fieldError('email') && !fieldError('digestMinutes') && <p role="alert">Not saved: {save.error.message}</p>}
      </form>
    </section>
  );
}
