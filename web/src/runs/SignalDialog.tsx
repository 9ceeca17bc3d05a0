import { useId, useState, type FormEvent } from 'react';
import { signalNode } from '../api/runs';
import { JsonEditor, parseJson } from './JsonEditor';
import { Modal } from './Modal';

interface SignalDialogProps {
  runId: string;
  nodeId: string;
  onClose: () => void;
  onSignalled: () => void;
}

/** Ends a node's wait for a signal; the JSON body becomes the node's output. */
export function SignalDialog({ runId, nodeId, onClose, onSignalled }: SignalDialogProps) {
  const [text, setText] = useState('{}');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const parseError = parseJson(text).error;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (parseError) return;
    setBusy(true);
    setError(null);
    try {
      await signalNode(runId, nodeId, text);
      onSignalled();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Signal node ${nodeId}`} onClose={onClose}>
      <form onSubmit={submit} noValidate className="run-dialog-form">
        <p className="muted">The node stops waiting and passes this JSON on as its output.</p>
        <JsonEditor value={text} onChange={setText} label="Signal body (JSON)" invalid={!!parseError} describedBy={parseError ? errorId : undefined} />
        {parseError && (
          <p id={errorId} className="form-error" role="alert">
            {parseError}
          </p>
        )}
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
            {busy ? 'Sending…' : 'Send signal'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
