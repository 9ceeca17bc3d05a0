import { useEffect, useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { fetchFlow, fetchRun, fetchRunPage, startRun } from '../api/runs';
import { JsonInputDialog } from './JsonInputDialog';
import { parseJson } from './JsonEditor';

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
  const triggerId = useId();

  const triggers = (flow.data?.definition?.nodes ?? []).filter((n) => manualTriggerTypes.has(n.type));
  useEffect(() => {
    if (!trigger && triggers.length > 1) setTrigger(triggers[0].id);
  }, [trigger, triggers]);

  const text = input ?? (lastInput.isPending ? '{}' : (lastInput.data ?? '{}'));
  const parsed = parseJson(text);
  const parseError =
    parsed.error ?? (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value) ? 'The input must be a JSON object, such as {"name": "Ada"}.' : undefined);

  const start = async () => {
    const run = await startRun(flowId, parsed.value, triggers.length > 1 ? trigger : undefined);
    onStarted(run.runId);
  };

  return (
    <JsonInputDialog
      title="Run the flow"
      className="run-dialog"
      text={text}
      onTextChange={setInput}
      parseError={parseError}
      editorLabel="Run input (JSON)"
      caption="Input (JSON object)"
      hint={<>The trigger passes this object to the next nodes. Leave {'{}'} for none.</>}
      submitLabel="Start run"
      busyLabel="Starting…"
      onSubmit={start}
      onClose={onClose}
    >
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
    </JsonInputDialog>
  );
}
