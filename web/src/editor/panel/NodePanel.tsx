import { useId, useMemo } from 'react';
import type { NodeTypeDescriptor } from '../../api/nodeTypes';
import type { FlowNodeData } from '../../flow/types';
import { SchemaForm } from '../../forms/SchemaForm';
import { expressionPaths } from '../../forms/expressionCompletion';
import type { ExpressionSupport } from '../../forms/formContext';
import { sortProblems, type PanelProblem } from './panelProblems';
import { PolicySection } from './PolicySection';
import { useLastRun } from './useLastRun';
import '../../styles/panel.css';

/** Props of the side panel that edits one node (the editor page owns the node; the panel reports changes). */
export interface NodePanelProps {
  nodeId: string;
  nodeType: NodeTypeDescriptor | undefined;
  data: FlowNodeData;
  onChange: (data: FlowNodeData) => void;
  /** The flow's id and its last run, for expression completion and preview (absent before the first run). */
  flowId?: string;
  lastRunId?: string;
  /** Server validation problems naming this node: messages, or items of a 400's `errors` (with `field`). */
  problems?: PanelProblem[];
  /** Ids of the flow's nodes, offered as `nodes.<id>.output` before a run has produced their outputs. */
  nodeIds?: string[];
  /** Evaluate expressions on the server as they are typed (on by default). */
  preview?: boolean;
}

const freeConfig = { type: 'object', properties: { config: { type: 'object', title: 'Settings (JSON)', 'x-expression': true } } } as const;

/** The side panel: label, id, the config form generated from the node type's schema, and the engine policies. */
export function NodePanel({ nodeId, nodeType, data, onChange, flowId, lastRunId, problems, nodeIds, preview = true }: NodePanelProps) {
  const idBase = `panel-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const sorted = useMemo(() => sortProblems(problems), [problems]);
  const last = useLastRun(flowId, lastRunId);
  const paths = useMemo(() => expressionPaths(last.run, nodeIds ?? [], nodeId), [last.run, nodeIds, nodeId]);
  const expressions = useMemo<ExpressionSupport>(() => ({ paths, runId: last.runId, nodeId, preview }), [paths, last.runId, nodeId, preview]);
  const config = (data.config ?? {}) as Record<string, unknown>;
  const labelProblems = sorted.data.label ?? [];
  const provider = nodeType?.provider ?? null;
  const connections = useMemo(() => ({ provider }), [provider]);

  return (
    <aside className="node-panel" aria-label={`Settings of ${nodeId}`}>
      <header className="panel-header">
        <h2>{nodeType?.displayName ?? 'Unknown node type'}</h2>
        {nodeType ? (
          <p className="panel-description">{nodeType.description}</p>
        ) : (
          <p className="panel-description">This server has no such node type; its settings can still be edited as JSON.</p>
        )}
      </header>
      {sorted.general.length > 0 && (
        <div className="panel-problems" role="alert">
          {sorted.general.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <div className="panel-section">
        <div className={`field${labelProblems.length > 0 ? ' field-invalid' : ''}`}>
          <label className="field-label" htmlFor={`${idBase}-label`}>
            Label
          </label>
          <input
            id={`${idBase}-label`}
            value={data.label ?? ''}
            placeholder={nodeType?.displayName}
            aria-invalid={labelProblems.length > 0 || undefined}
            onChange={(e) => {
              const copy = { ...data };
              if (e.target.value === '') delete copy.label;
              else copy.label = e.target.value;
              onChange(copy);
            }}
          />
          {labelProblems.length > 0 && <p className="field-error">{labelProblems.join(' ')}</p>}
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${idBase}-id`}>
            Node id
          </label>
          <input id={`${idBase}-id`} value={nodeId} readOnly className="panel-id" aria-describedby={`${idBase}-id-help`} />
          <p className="field-help" id={`${idBase}-id-help`}>
            Expressions in other nodes read this node's output as {`nodes.${nodeId}.output`}.
          </p>
        </div>
      </div>
      <section className="panel-section" aria-labelledby={`${idBase}-settings`}>
        <h3 id={`${idBase}-settings`}>Settings</h3>
        {nodeType ? (
          <SchemaForm
            schema={nodeType.configSchema}
            value={config}
            problems={sorted.config}
            expressions={expressions}
            idBase={`${idBase}-config`}
            emptyText="This node has no settings."
            connections={connections}
            onChange={(next) => onChange({ ...data, config: next })}
          />
        ) : (
          <SchemaForm
            schema={freeConfig}
            value={{ config }}
            problems={sorted.config[''] ? { config: sorted.config[''] } : undefined}
            expressions={expressions}
            idBase={`${idBase}-config`}
            onChange={(next) => onChange({ ...data, config: (next.config as Record<string, unknown>) ?? {} })}
          />
        )}
        <p className="panel-run-note">
          {last.runId
            ? 'Completion and previews use the last run of this flow.'
            : flowId
              ? 'Run the flow once to complete paths from its data and preview expressions against it.'
              : 'Save the flow to complete and preview expressions.'}
        </p>
      </section>
      <PolicySection data={data} onChange={onChange} problems={sorted.data} idBase={idBase} />
    </aside>
  );
}
