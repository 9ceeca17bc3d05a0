import { useEffect, useMemo, useRef, useState } from 'react';
import type { JsonSchema } from '../api/nodeTypes';
import { CodeEditor } from './CodeEditor';
import { FieldGroup } from './FieldGroup';
import { expressionCompletionSource } from './expressionCompletion';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { childPath, problemsFor, useFormContext } from './formContext';
import { ExpressionPreview } from './ExpressionPreview';

interface Row {
  key: string;
  value: string;
}

function rowsOf(value: unknown): Row[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }));
}

function objectOf(rows: Row[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const row of rows) if (row.key !== '') result[row.key] = row.value;
  return result;
}

/** An object of text values (headers, query parameters): rows of name and value, added and removed. */
export function KeyValueField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { expressions, problems } = useFormContext();
  const id = fieldId(idBase, path);
  const label = titleOf(name, schema);
  const [rows, setRows] = useState<Row[]>(() => rowsOf(value));
  const sent = useRef<unknown>(value);
  useEffect(() => {
    if (JSON.stringify(value ?? {}) !== JSON.stringify(sent.current ?? {})) {
      sent.current = value;
      setRows(rowsOf(value));
    }
  }, [value]);
  const itemSchema = (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {}) as JsonSchema;
  const expressive = itemSchema['x-expression'] === true;
  const completion = useMemo(() => expressionCompletionSource(expressions.paths), [expressions.paths]);

  const update = (next: Row[]) => {
    setRows(next);
    const object = objectOf(next);
    const result = Object.keys(object).length === 0 && !required ? undefined : object;
    sent.current = result;
    onChange(result);
  };
  const keys = rows.map((r) => r.key).filter((k) => k !== '');
  const duplicates = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  const own = [
    ...duplicates.map((k) => `The name '${k}' is used more than once; only the last row counts.`),
    ...problemsFor(problems, path, false),
  ];

  return (
    <FieldGroup id={id} label={label} description={schema.description} required={required} problems={own}>
      {rows.length === 0 && <p className="field-empty">No entries yet.</p>}
      {rows.map((row, i) => {
        const rowPath = childPath(path, row.key || String(i));
        const rowProblems = row.key ? problemsFor(problems, rowPath, true) : [];
        const valueId = `${id}-value-${i}`;
        return (
          <div className="kv-row" key={i}>
            <input
              className="kv-key"
              aria-label={`${label}: name ${i + 1}`}
              value={row.key}
              placeholder="Name"
              onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
            />
            {expressive ? (
              <div className="kv-value">
                <span id={`${valueId}-label`} className="visually-hidden">
                  {`${label}: value ${i + 1}`}
                </span>
                <CodeEditor
                  id={valueId}
                  value={row.value}
                  onChange={(v) => update(rows.map((r, j) => (j === i ? { ...r, value: v } : r)))}
                  singleLine
                  completion={completion}
                  highlightTemplates
                  labelledBy={`${valueId}-label`}
                  placeholder="Value"
                  invalid={rowProblems.length > 0}
                />
                {expressions.preview !== false && <ExpressionPreview text={row.value} runId={expressions.runId} nodeId={expressions.nodeId} />}
              </div>
            ) : (
              <input
                className="kv-value"
                aria-label={`${label}: value ${i + 1}`}
                value={row.value}
                placeholder="Value"
                onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
              />
            )}
            <button type="button" className="icon-button" aria-label={`Remove ${label} entry ${i + 1}`} onClick={() => update(rows.filter((_, j) => j !== i))}>
              ×
            </button>
            {rowProblems.length > 0 && (
              <p className="field-error kv-error" role="alert">
                {rowProblems.join(' ')}
              </p>
            )}
          </div>
        );
      })}
      <button type="button" className="add-button" onClick={() => update([...rows, { key: '', value: '' }])}>
        Add entry
      </button>
    </FieldGroup>
  );
}
