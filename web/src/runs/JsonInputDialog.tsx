import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { JsonEditor } from './JsonEditor';
import { Modal } from './Modal';

export interface JsonInputDialogProps {
  title: string;
  className?: string;
  /** The JSON text and where its edits go. */
  text: string;
  onTextChange: (text: string) => void;
  /** Why the text cannot be sent, if it cannot; shown under the editor and keeps the submit button disabled. */
  parseError?: string;
  /** The editor's accessible name. */
  editorLabel: string;
  /** A visible caption above the editor. */
  caption?: string;
  /** Shown under the editor while the text is valid. */
  hint?: ReactNode;
  submitLabel: string;
  busyLabel: string;
  /** Sends the text; a thrown error is shown in the dialog, which stays open. */
  onSubmit: () => Promise<void>;
  onClose: () => void;
  /** Shown above the editor: other fields or an explanation. */
  children?: ReactNode;
}

/** A modal with a JSON editor and a submit button that sends it: the run input, a signal's body. */
export function JsonInputDialog(props: JsonInputDialogProps) {
  const { title, className, text, onTextChange, parseError, editorLabel, caption, hint, submitLabel, busyLabel, onSubmit, onClose, children } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (parseError) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <Modal title={title} onClose={onClose} className={className}>
      <form onSubmit={submit} noValidate className="run-dialog-form">
        {children}
        <div className="field">
          {caption && <span className="field-label">{caption}</span>}
          <JsonEditor value={text} onChange={onTextChange} label={editorLabel} invalid={!!parseError} describedBy={parseError ? errorId : undefined} />
          {parseError ? (
            <p id={errorId} className="form-error" role="alert">
              {parseError}
            </p>
          ) : (
            hint && <p className="muted hint">{hint}</p>
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
            {busy ? busyLabel : submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
