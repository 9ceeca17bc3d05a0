import { EditorView } from '@codemirror/view';

/** The CodeMirror view of the editor labelled `name` (jsdom cannot type into contenteditable, so tests dispatch). */
export function editorNamed(container: HTMLElement, labelText: string): EditorView {
  const label = [...container.querySelectorAll('label, span')].find((l) => l.textContent?.replace(/\s*\*$/, '').trim() === labelText);
  if (!label) throw new Error(`No label '${labelText}'`);
  const content = container.querySelector(`[aria-labelledby="${label.id}"]`);
  if (!content) throw new Error(`No editor labelled '${labelText}'`);
  const view = EditorView.findFromDOM(content as HTMLElement);
  if (!view) throw new Error(`No CodeMirror view for '${labelText}'`);
  return view;
}

/** Replaces the editor's whole text, as typing would. */
export function setEditorText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: 'input.type' });
}
