import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';

/** The helpers docs/expressions.md lists, with their arguments, offered by name inside `{{ }}`. */
export const expressionHelpers: ReadonlyArray<{ name: string; args: string }> = [
  { name: 'lower', args: 'text' },
  { name: 'upper', args: 'text' },
  { name: 'trim', args: 'text' },
  { name: 'length', args: 'x' },
  { name: 'contains', args: 'x, y' },
  { name: 'startsWith', args: 'text, start' },
  { name: 'endsWith', args: 'text, end' },
  { name: 'indexOf', args: 'x, y' },
  { name: 'replace', args: 'text, find, with' },
  { name: 'split', args: 'text, separator' },
  { name: 'join', args: 'list, separator?' },
  { name: 'substring', args: 'text, start, length?' },
  { name: 'string', args: 'x' },
  { name: 'round', args: 'n, digits?' },
  { name: 'floor', args: 'n' },
  { name: 'ceil', args: 'n' },
  { name: 'abs', args: 'n' },
  { name: 'min', args: 'a, b, …' },
  { name: 'max', args: 'a, b, …' },
  { name: 'sum', args: 'list' },
  { name: 'number', args: 'x' },
  { name: 'now', args: '' },
  { name: 'formatDate', args: 'date, format' },
  { name: 'addDays', args: 'date, n' },
  { name: 'addHours', args: 'date, n' },
  { name: 'addMinutes', args: 'date, n' },
  { name: 'first', args: 'list' },
  { name: 'last', args: 'list' },
  { name: 'slice', args: 'x, start, end?' },
  { name: 'keys', args: 'object' },
  { name: 'values', args: 'object' },
  { name: 'json', args: 'x' },
  { name: 'parseJson', args: 'text' },
  { name: 'default', args: 'x, fallback' },
  { name: 'isEmpty', args: 'x' },
  { name: 'type', args: 'x' },
];

/** How deep into a value paths are offered, how many fields of one object, and how many paths in all. */
export const completionLimits = { maxDepth: 4, maxKeysPerObject: 50, maxPaths: 500 } as const;

/** What the last run gave: its input and each node's output (GET /api/runs/{id}). */
export interface RunData {
  input?: unknown;
  nodes: ReadonlyArray<{ nodeId: string; output?: unknown }>;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/** `.name` for a plain field name, `["odd name"]` otherwise. */
export function pathSegment(key: string): string {
  return identifier.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `nodes.<id>.output`, with brackets for ids that are not plain names. */
export function nodeOutputPath(nodeId: string): string {
  return `nodes${pathSegment(nodeId)}.output`;
}

function walk(root: string, value: unknown, depth: number, out: Set<string>): void {
  if (out.size >= completionLimits.maxPaths) return;
  out.add(root);
  if (depth >= completionLimits.maxDepth || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (value.length > 0) walk(`${root}[0]`, value[0], depth + 1, out);
    return;
  }
  for (const key of Object.keys(value).slice(0, completionLimits.maxKeysPerObject)) {
    walk(root + pathSegment(key), (value as Record<string, unknown>)[key], depth + 1, out);
  }
}

/**
 * The paths an expression can read: `input…` from the run input and `nodes.<id>.output…` from each node's output,
 * walked to a bounded depth; nodes of the flow that have no output yet are offered as `nodes.<id>.output`.
 */
export function expressionPaths(run: RunData | undefined, nodeIds: readonly string[] = [], exceptNodeId?: string): string[] {
  const out = new Set<string>();
  walk('input', run?.input, 0, out);
  for (const node of run?.nodes ?? []) {
    if (node.nodeId === exceptNodeId || node.output === undefined) continue;
    walk(nodeOutputPath(node.nodeId), node.output, 0, out);
  }
  for (const id of nodeIds) {
    if (id !== exceptNodeId && out.size < completionLimits.maxPaths) out.add(nodeOutputPath(id));
  }
  return [...out];
}

/** Whether `position` is inside an open `{{ … }}` of `text`. */
export function insideTemplate(text: string, position: number): boolean {
  const before = text.slice(0, position);
  const open = before.lastIndexOf('{{');
  return open >= 0 && before.indexOf('}}', open + 2) < 0;
}

/** CodeMirror completions inside `{{ }}`: the given paths (by prefix) and helper names. */
export function expressionCompletionSource(paths: readonly string[]): CompletionSource {
  const pathOptions: Completion[] = paths.map((p) => ({ label: p, type: p.startsWith('input') ? 'variable' : 'property' }));
  const helperOptions: Completion[] = expressionHelpers.map((h) => ({
    label: h.name,
    type: 'function',
    detail: `(${h.args})`,
    apply: `${h.name}(`,
  }));
  return (context: CompletionContext): CompletionResult | null => {
    const doc = context.state.doc.toString();
    if (!insideTemplate(doc, context.pos)) return null;
    const word = context.matchBefore(/[\w$.[\]"'-]*/);
    if (!word) return null;
    if (word.from === word.to && !context.explicit) return null;
    const prefix = word.text;
    const options = pathOptions.filter((o) => o.label.startsWith(prefix));
    if (!/[.[]/.test(prefix)) options.push(...helperOptions.filter((o) => o.label.startsWith(prefix)));
    if (options.length === 0) return null;
    return { from: word.from, options, filter: false };
  };
}
