import { useMemo } from 'react';
import CodeMirror from '@uiw/react-codemirror';
import { autocompletion, type CompletionSource } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { templateHighlight } from './templateHighlight';

export interface CodeEditorProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  language?: 'text' | 'json' | 'javascript';
  /** One line only: pasted line breaks become spaces, Enter does not add one. */
  singleLine?: boolean;
  completion?: CompletionSource;
  highlightTemplates?: boolean;
  labelledBy: string;
  describedBy?: string;
  placeholder?: string;
  invalid?: boolean;
  required?: boolean;
}

const singleLineFilter = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || tr.newDoc.lines <= 1) return tr;
  const text = tr.newDoc.toString().replace(/\r?\n/g, ' ');
  return [tr, { changes: { from: 0, to: tr.newDoc.length, insert: text }, sequential: true }];
});

/** CodeMirror 6 with the app's accessibility wiring: labelled, described, Tab moves focus on. */
export function CodeEditor({
  id,
  value,
  onChange,
  language = 'text',
  singleLine,
  completion,
  highlightTemplates,
  labelledBy,
  describedBy,
  placeholder,
  invalid,
  required,
}: CodeEditorProps) {
  const extensions = useMemo(() => {
    const list: Extension[] = [
      EditorView.contentAttributes.of({
        id,
        'aria-labelledby': labelledBy,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(invalid ? { 'aria-invalid': 'true' } : {}),
        ...(required ? { 'aria-required': 'true' } : {}),
        'aria-multiline': singleLine ? 'false' : 'true',
      }),
      EditorView.lineWrapping,
    ];
    if (language === 'json') list.push(json());
    if (language === 'javascript') list.push(javascript());
    if (singleLine) list.push(singleLineFilter);
    if (highlightTemplates) list.push(templateHighlight);
    if (completion) list.push(autocompletion({ override: [completion], icons: false }));
    return list;
  }, [id, labelledBy, describedBy, invalid, required, singleLine, language, highlightTemplates, completion]);

  return (
    <CodeMirror
      className={`code-editor${singleLine ? ' code-editor-single' : ''}${invalid ? ' code-editor-invalid' : ''}`}
      value={value}
      onChange={onChange}
      extensions={extensions}
      placeholder={placeholder}
      indentWithTab={false}
      theme="light"
      basicSetup={{
        lineNumbers: !singleLine && language !== 'text',
        foldGutter: false,
        highlightActiveLine: false,
        highlightActiveLineGutter: false,
        autocompletion: false,
        searchKeymap: false,
      }}
    />
  );
}
