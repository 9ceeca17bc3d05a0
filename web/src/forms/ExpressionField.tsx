import { useMemo } from 'react';
import { CodeEditor } from './CodeEditor';
import { describedBy, FieldShell, labelId } from './FieldShell';
import { expressionCompletionSource } from './expressionCompletion';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { placeholderOf } from './fieldKind';
import { problemsFor, useFormContext } from './formContext';
import { ExpressionPreview } from './ExpressionPreview';

/** Text that may hold `{{ }}` expressions: highlighted, completed from the last run, previewed as you type. */
/**
 * For a field of any JSON type: text that reads as JSON (`1`, `true`, `"1"`, `[…]`) is that value, anything else is
 * text. Shown back the same way, so text that would read as JSON is shown quoted.
 */
export function readAnyValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // Not JSON: plain text.
    }
  }
  return text;
}

export function showAnyValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return readAnyValue(value) === value ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

export function ExpressionField({
  name,
  path,
  schema,
  value,
  onChange,
  required,
  idBase,
  multiline,
  anyValue,
}: FieldProps & { multiline?: boolean; anyValue?: boolean }) {
  const { expressions, problems } = useFormContext();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, true);
  const completion = useMemo(() => expressionCompletionSource(expressions.paths), [expressions.paths]);
  const text = anyValue ? showAnyValue(value) : typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
  const help = [schema.description, anyValue ? 'Text, a JSON value such as 1, true or "1", or {{ expressions }}.' : 'Accepts {{ expressions }}.']
    .filter(Boolean)
    .join(' ');
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={help} required={required} problems={own}>
      <CodeEditor
        id={id}
        value={text}
        onChange={(next) => onChange(anyValue ? readAnyValue(next) : next === '' && !required ? undefined : next)}
        singleLine={!multiline}
        completion={completion}
        highlightTemplates
        labelledBy={labelId(id)}
        describedBy={describedBy(id, help, own)}
        placeholder={placeholderOf(schema)}
        invalid={own.length > 0}
        required={required}
      />
      {expressions.preview !== false && <ExpressionPreview text={text} runId={expressions.runId} nodeId={expressions.nodeId} />}
    </FieldShell>
  );
}
