import { useEffect, useMemo, useRef, useState } from 'react';
import { CodeEditor } from './CodeEditor';
import { describedBy, FieldShell, labelId } from './FieldShell';
import { expressionCompletionSource } from './expressionCompletion';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { placeholderOf } from './fieldKind';
import { problemsFor, useFormContext } from './formContext';

function format(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** Where a JSON parse error is, as "line L, column C" when the engine's message gives a position. */
function parseProblem(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  if (!match) return `Not valid JSON: ${message}`;
  const position = Number(match[1]);
  const before = text.slice(0, position).split('\n');
  return `Not valid JSON at line ${before.length}, column ${before[before.length - 1].length + 1}: ${message.replace(/\s*\(line.*$/, '')}`;
}

/** Free JSON: edited as text, sent on when it parses, with the parse error shown inline until it does. */
export function JsonField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { expressions, problems } = useFormContext();
  const id = fieldId(idBase, path);
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  const sent = useRef(value);
  // A value changed from outside (another field, undo) replaces the text; our own edits do not.
  useEffect(() => {
    if (JSON.stringify(value) !== JSON.stringify(sent.current)) {
      sent.current = value;
      setText(format(value));
      setError(null);
    }
  }, [value]);
  const completion = useMemo(() => expressionCompletionSource(expressions.paths), [expressions.paths]);
  const own = [...(error ? [error] : []), ...problemsFor(problems, path, true)];
  const help = [schema.description, schema['x-expression'] ? 'JSON; text values may hold {{ expressions }}.' : 'JSON.'].filter(Boolean).join(' ');
  const change = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setError(null);
      sent.current = undefined;
      onChange(undefined);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(next);
      setError(null);
      sent.current = parsed;
      onChange(parsed);
    } catch (e) {
      setError(parseProblem(next, e));
    }
  };
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={help} required={required} problems={own}>
      <CodeEditor
        id={id}
        value={text}
        onChange={change}
        language="json"
        completion={schema['x-expression'] ? completion : undefined}
        highlightTemplates={!!schema['x-expression']}
        labelledBy={labelId(id)}
        describedBy={describedBy(id, help, own)}
        placeholder={placeholderOf(schema)}
        invalid={own.length > 0}
        required={required}
      />
    </FieldShell>
  );
}
