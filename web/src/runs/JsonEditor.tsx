import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { json } from '@codemirror/lang-json';
import { useMemo } from 'react';

interface JsonEditorProps {
  value: string;
  onChange: (value: string) => void;
  label: string;
  invalid?: boolean;
  describedBy?: string;
}

/** A CodeMirror editor for JSON text; Tab moves focus on (the editor keeps no Tab for itself), so the dialog stays keyboard operable. */
export function JsonEditor({ value, onChange, label, invalid, describedBy }: JsonEditorProps) {
  const extensions = useMemo(
    () => [
      json(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-label': label,
        'aria-multiline': 'true',
        ...(invalid ? { 'aria-invalid': 'true' } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      }),
    ],
    [label, invalid, describedBy],
  );
  return (
    <CodeMirror
      className={`json-editor${invalid ? ' invalid' : ''}`}
      value={value}
      onChange={onChange}
      extensions={extensions}
      height="180px"
      basicSetup={{ foldGutter: false, highlightActiveLine: false, autocompletion: false, searchKeymap: false, closeBrackets: false }}
    />
  );
}

/** Parses JSON text; the error says where it broke in words. */
export function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
