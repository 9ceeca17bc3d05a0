import { useState } from 'react';
import { signalNode } from '../api/runs';
import { JsonInputDialog } from './JsonInputDialog';
import { parseJson } from './JsonEditor';

interface SignalDialogProps {
  runId: string;
  nodeId: string;
  onClose: () => void;
  onSignalled: () => void;
}

/** Ends a node's wait for a signal; the JSON body becomes the node's output. */
export function SignalDialog({ runId, nodeId, onClose, onSignalled }: SignalDialogProps) {
  const [text, setText] = useState('{}');
  const send = async () => {
    await signalNode(runId, nodeId, text);
    onSignalled();
  };
  return (
    <JsonInputDialog
      title={`Signal node ${nodeId}`}
      text={text}
      onTextChange={setText}
      parseError={parseJson(text).error}
      editorLabel="Signal body (JSON)"
      submitLabel="Send signal"
      busyLabel="Sending…"
      onSubmit={send}
      onClose={onClose}
    >
      <p className="muted">The node stops waiting and passes this JSON on as its output.</p>
    </JsonInputDialog>
  );
}
