import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { fetchFlowChoice, saveFlowChoice, type FlowNotificationChoice } from './api';
import '../styles/notifications.css';

/** "Notify me when a run fails": the signed-in user's in-app / email choice for one flow, saved at once. */
export function FlowNotifyControl({ flowId }: { flowId: string }) {
  const queryClient = useQueryClient();
  const key = ['flow-notifications', flowId];
  const [open, setOpen] = useState(false);
  const choice = useQuery({ queryKey: key, queryFn: () => fetchFlowChoice(flowId) });
  // The ticked choice is shown from the click on, not from the mutation's next notification: a controlled checkbox
  // whose value does not change in its own event handler is put back by React, and would flicker until then.
  const [pending, setPending] = useState<FlowNotificationChoice | null>(null);
  const save = useMutation({
    mutationFn: (next: FlowNotificationChoice) => saveFlowChoice(flowId, next),
    onSuccess: (saved) => queryClient.setQueryData(key, saved),
    onSettled: () => setPending(null),
  });
  const current = pending?.onFailure ?? choice.data?.onFailure;
  const on = !!current && (current.inApp || current.email);
  const toggle = (field: 'inApp' | 'email', value: boolean) => {
    if (!current || pending) return;
    const next = { onFailure: { ...current, [field]: value } };
    setPending(next);
    save.mutate(next);
  };

  return (
    <div className="notify-control">
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)} title="Notify me when a run fails">
        {on ? 'Notifying me' : 'Notify me'}
      </button>
      {open && (
        <fieldset className="notify-panel">
          <legend>Notify me when a run fails</legend>
          {choice.isPending && <p className="muted">Loading…</p>}
          {choice.isError && <p role="alert">Your choice could not be loaded.</p>}
          {current && (
            <>
              <label>
                <input type="checkbox" checked={current.inApp} onChange={(e) => toggle('inApp', e.target.checked)} disabled={!!pending} /> In the app
                (the bell)
              </label>
              <label>
                <input type="checkbox" checked={current.email} onChange={(e) => toggle('email', e.target.checked)} disabled={!!pending} /> By email
                digest
              </label>
              <p className="muted notify-hint">
                Email address and how often: <Link to="/settings">Settings</Link>.
              </p>
            </>
          )}
          {save.isError && <p role="alert">Not saved: {save.error.message}</p>}
        </fieldset>
      )}
    </div>
  );
}
