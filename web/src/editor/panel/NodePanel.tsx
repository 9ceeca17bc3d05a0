import type { NodeTypeDescriptor } from '../../api/nodeTypes';
import type { FlowNodeData } from '../../flow/types';

/** Props of the side panel that edits one node (the editor page owns the node; the panel reports changes). */
export interface NodePanelProps {
  nodeId: string;
  nodeType: NodeTypeDescriptor | undefined;
  data: FlowNodeData;
  onChange: (data: FlowNodeData) => void;
  /** The flow's id and its last run, for expression completion and preview (absent before the first run). */
  flowId?: string;
  lastRunId?: string;
  /** Server validation problems naming this node. */
  problems?: string[];
}

// The first version edits the label only; the generated config form replaces it.
export function NodePanel({ nodeId, nodeType, data, onChange, problems }: NodePanelProps) {
  return (
    <aside className="node-panel" aria-label={`Settings of ${nodeId}`}>
      <h2>{nodeType?.displayName ?? 'Node'}</h2>
      <label>
        Label
        <input value={data.label ?? ''} onChange={(e) => onChange({ ...data, label: e.target.value })} />
      </label>
      {problems?.map((p) => (
        <p key={p} className="form-error">
          {p}
        </p>
      ))}
    </aside>
  );
}
