import { useMemo, useState } from 'react';
import { SchemaForm } from '../../forms/SchemaForm';
import type { FlowNodeData } from '../../flow/types';
import { policySchema } from './policySchema';

export interface PolicySectionProps {
  data: FlowNodeData;
  onChange: (data: FlowNodeData) => void;
  /** Problems by path in the node's data (`retry.delayMs`, `timeoutMs`). */
  problems?: Record<string, string[]>;
  idBase: string;
}

/** Retry, timeout and on-error, folded away until opened (open when any is set or has a problem). */
export function PolicySection({ data, onChange, problems, idBase }: PolicySectionProps) {
  const value = useMemo(() => {
    const v: Record<string, unknown> = {};
    if (data.retry !== undefined) v.retry = data.retry;
    if (data.timeoutMs !== undefined) v.timeoutMs = data.timeoutMs;
    if (data.onError !== undefined) v.onError = data.onError;
    return v;
  }, [data.retry, data.timeoutMs, data.onError]);
  const hasProblems = Object.keys(problems ?? {}).some((k) => k === 'retry' || k.startsWith('retry.') || k === 'timeoutMs' || k === 'onError');
  const [open, setOpen] = useState(() => Object.keys(value).length > 0 || hasProblems);
  const set = Object.keys(value).length;
  return (
    <details className="panel-section panel-policy" open={open || hasProblems} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Retry, timeout and errors
        {set > 0 && <span className="panel-badge">{set} set</span>}
      </summary>
      <SchemaForm
        schema={policySchema}
        value={value}
        problems={problems}
        idBase={`${idBase}-policy`}
        onChange={(next) => {
          const copy: FlowNodeData = { ...data };
          delete copy.retry;
          delete copy.timeoutMs;
          delete copy.onError;
          if (next.retry !== undefined) copy.retry = next.retry as FlowNodeData['retry'];
          if (next.timeoutMs !== undefined) copy.timeoutMs = next.timeoutMs as number;
          if (next.onError !== undefined) copy.onError = next.onError as string;
          onChange(copy);
        }}
      />
    </details>
  );
}
