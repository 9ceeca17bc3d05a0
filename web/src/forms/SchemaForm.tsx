import { useId, useMemo } from 'react';
import type { JsonSchema } from '../api/nodeTypes';
import { FormContext, type ConnectionSupport, type ExpressionSupport } from './formContext';
import { ObjectProperties } from './SchemaField';
import '../styles/panel.css';

export interface SchemaFormProps {
  /** An object schema (a node type's configSchema); each property becomes a field. */
  schema: JsonSchema;
  value: Record<string, unknown> | null | undefined;
  onChange: (value: Record<string, unknown>) => void;
  /** Problems by field path relative to the value (`url`, `cases[0].port`). */
  problems?: Readonly<Record<string, readonly string[]>>;
  expressions?: ExpressionSupport;
  /** Prefix of the fields' DOM ids; unique per form by default. */
  idBase?: string;
  /** Shown when the schema has no properties. */
  emptyText?: string;
  /** Node forms: `connectionId` picks one of the user's connections (of this provider). */
  connections?: ConnectionSupport;
}

const noPaths: ExpressionSupport = { paths: [] };

/** A form generated from a JSON Schema: no special cases per node type. */
export function SchemaForm({ schema, value, onChange, problems, expressions, idBase, emptyText = 'There is nothing to set.', connections }: SchemaFormProps) {
  const generated = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const context = useMemo(() => ({ expressions: expressions ?? noPaths, problems: problems ?? {}, connections }), [expressions, problems, connections]);
  if (!schema.properties || Object.keys(schema.properties).length === 0) return <p className="field-empty">{emptyText}</p>;
  return (
    <FormContext.Provider value={context}>
      <div className="schema-form">
        <ObjectProperties schema={schema} value={value ?? {}} path="" idBase={idBase ?? `f${generated}`} onChange={onChange} />
      </div>
    </FormContext.Provider>
  );
}
