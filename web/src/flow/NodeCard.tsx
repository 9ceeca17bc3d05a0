import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { FlowNodeData, NodeRunStatus } from './types';
import { usePortsMeasured } from './usePortsMeasured';
import '../styles/nodecard.css';

/** What the canvas passes to a node card: the stored data plus what the page knows about the type and the run. */
export type NodeCardData = FlowNodeData & {
  typeId: string;
  typeName?: string;
  icon?: string;
  inputs?: string[];
  outputs?: string[];
  status?: NodeRunStatus;
  durationMs?: number;
  problems?: string[];
};

export type NodeCardNode = Node<NodeCardData, 'card'>;

/**
 * One node on the canvas, memoised so that a change to one node re-renders only that node. Inputs on the left,
 * one handle per named output port on the right (if → true/false, switch cases, error).
 */
export const NodeCard = memo(function NodeCard({ id, data, selected }: NodeProps<NodeCardNode>) {
  const inputs = data.inputs ?? ['main'];
  const outputs = data.outputs ?? ['main'];
  usePortsMeasured(id, inputs, outputs);
  const status = data.status?.toLowerCase();
  return (
    <div
      className={`node-card${selected ? ' selected' : ''}${status ? ` status-${status}` : ''}${data.problems?.length ? ' has-problems' : ''}${outputs.length > 1 ? ' has-port-labels' : ''}`}
      data-testid={`node-${data.typeId}`}
      title={data.problems?.join('\n')}
    >
      {inputs.map((port, i) => (
        <Handle
          key={`in-${port}`}
          type="target"
          position={Position.Left}
          id={port}
          style={{ top: `${((i + 1) / (inputs.length + 1)) * 100}%` }}
        />
      ))}
      <div className="node-card-title">{data.label || data.typeName || data.typeId}</div>
      <div className="node-card-type">{data.label && data.label !== data.typeName ? (data.typeName ?? data.typeId) : data.typeId}</div>
      {data.problems?.length ? (
        <div className="node-card-problems" role="note">
          {data.problems.length === 1 ? '1 problem' : `${data.problems.length} problems`}
        </div>
      ) : null}
      {status && <div className="node-card-status">{data.status}{data.durationMs != null ? ` · ${data.durationMs} ms` : ''}</div>}
      {outputs.map((port, i) => (
        <Handle
          key={`out-${port}`}
          type="source"
          position={Position.Right}
          id={port}
          style={{ top: `${((i + 1) / (outputs.length + 1)) * 100}%` }}
        >
          {outputs.length > 1 && <span className="node-card-port">{port}</span>}
        </Handle>
      ))}
    </div>
  );
});
