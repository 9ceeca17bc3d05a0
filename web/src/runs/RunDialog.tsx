import { useEffect, useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { fetchFlow, fetchRun, fetchRunPage, startRun } from '../api/runs';
import { JsonEditor, parseJson } from './JsonEditor';
import { Modal } from './Modal';

/** Props of the "Run" dialog: an input JSON editor that starts a run of the saved flow. */
export interface RunDialogProps {
  flowId: string;
  onClose: () => void;
  onStarted: (runId: string) => void;
}

/** Node types a person can start a run at from the dialog. */
const manualTriggerTypes = new Set(['trigger.manual']);

/** The input the dialog opens with: the last run's input when there is one, else an empty object. */
function useLastInput(flowId: string) {
  return useQuery({
    queryKey: ['runs', 'last-input', flowId],
    queryFn: async ({ signal }) => {
      const page = await fetchRunPage({ flowId, limit: 1 }, signal);
      const last = page.items[0];
      if (!last) return '{}';
      const run = await fetchRun(last.id, signal);
      return run.input && typeof run.input === 'object' ? JSON.stringify(run.input, null, 2) : '{}';
    },
    staleTime: 0,
    retry: false,
  });
}

export function RunDialog({ flowId, onClose, onStarted }: RunDialogProps) {
  const flow = useQuery({ queryKey: ['flow', flowId], queryFn: ({ signal }) => fetchFlow(flowId, signal), retry: false });
  const lastInput = useLastInput(flowId);
  const [input, setInput] = useState<string | null>(null);
  const [trigger, setTrigger] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const triggerId = useId();

  const triggers = (flow.data?.definition?.nodes ?? []).filter((n) => manualTriggerTypes.has(n.type));
  useEffect(() => {
    if (!trigger && triggers.length > 1) setTrigger(triggers[0].id);
  }, [trigger, triggers]);

  const text = input ?? (lastInput.isPending ? '{}' : (lastInput.data ?? '{}'));
  const parsed = parseJson(text);
  const parseError =
    parsed.error ?? (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value) ? 'The input must be a JSON object, such as {"name": "Ada"}.' : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (parseError) return;
    setBusy(true);
    setError(null);
    try {
      const run = await startRun(flowId, parsed.value, triggers.length > 1 ? trigger : undefined);
      onStarted(run.runId);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <Modal title="Run the flow" onClose={onClose} className="run-dialog">
      <form onSubmit={submit} noValidate className="run-dialog-form">
        {triggers.length > 1 && (
          <label htmlFor={triggerId}>
            Start at
            <select id={triggerId} value={trigger} onChange={(e) => setTrigger(e.target.value)}>
              {triggers.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.data?.label ? `${t.data.label} (${t.id})` : t.id}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="field">
          <span className="field-label">Input (JSON object)</span>
          <JsonEditor value={text} onChange={setInput} label="Run input (JSON)" invalid={!!parseError} describedBy={parseError ? errorId : undefined} />
          {parseError ? (
            <p id={errorId} className="form-error" role="alert">
              {parseError}
            </p>
          ) : (
            <p className="muted hint">The trigger passes this object to the next nodes. Leave {'{}'} for none.</p>
          )}
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !!parseError}>
            {busy ? 'Starting…' : 'Start run'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
