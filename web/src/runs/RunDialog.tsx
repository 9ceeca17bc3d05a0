import { useState } from 'react';
import { api } from '../api/client';

/** Props of the "Run" dialog: an input JSON editor that starts a run of the saved flow. */
export interface RunDialogProps {
  flowId: string;
  onClose: () => void;
  onStarted: (runId: string) => void;
}

// A plain textarea for the input; the run-view work gives it the JSON editor.
export function RunDialog({ flowId, onClose, onStarted }: RunDialogProps) {
  const [input, setInput] = useState('{}');
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    try {
      const parsed: unknown = JSON.parse(input);
      const run = await api<{ runId: string }>(`/api/flows/${flowId}/runs`, { method: 'POST', body: { input: parsed } });
      onStarted(run.runId);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div role="dialog" aria-label="Run the flow" className="dialog">
      <textarea aria-label="Run input (JSON)" value={input} onChange={(e) => setInput(e.target.value)} rows={8} />
      {error && <p className="form-error">{error}</p>}
      <button type="button" className="primary" onClick={start}>
        Start run
      </button>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
