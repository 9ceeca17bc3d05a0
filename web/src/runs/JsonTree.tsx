import { useState, type KeyboardEvent } from 'react';

/** How many children of an object or array are drawn at once; more appear on request, so a huge array stays cheap. */
export const JSON_TREE_PAGE = 100;

interface JsonTreeProps {
  value: unknown;
  /** Accessible name of the whole tree, such as "Output of node fetch". */
  label: string;
  /** Levels open at first: 1 opens the top object only. */
  expandDepth?: number;
}

/** A collapsible JSON viewer: each object and array is a button (Enter/Space toggles, → opens, ← closes); children are drawn only when open. */
export function JsonTree({ value, label, expandDepth = 1 }: JsonTreeProps) {
  return (
    <div className="json-tree" aria-label={label} role="group">
      <JsonEntry name={null} value={value} depth={0} expandDepth={expandDepth} />
    </div>
  );
}

interface EntryProps {
  name: string | null;
  value: unknown;
  depth: number;
  expandDepth: number;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function JsonEntry({ name, value, depth, expandDepth }: EntryProps) {
  const [open, setOpen] = useState(depth < expandDepth);
  const [shown, setShown] = useState(JSON_TREE_PAGE);
  const key = name !== null ? <span className="json-key">{name}: </span> : null;

  if (!isContainer(value)) {
    return (
      <div className="json-leaf">
        {key}
        <JsonScalar value={value} />
      </div>
    );
  }

  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = isArray ? `Array(${entries.length})` : `{${entries.length} ${entries.length === 1 ? 'key' : 'keys'}}`;
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowRight' && !open) {
      event.preventDefault();
      setOpen(true);
    } else if (event.key === 'ArrowLeft' && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  return (
    <div className="json-branch">
      <button
        type="button"
        className="json-toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={onKeyDown}
      >
        <span className="json-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {key}
        <span className="json-summary">{summary}</span>
      </button>
      {open && entries.length > 0 && (
        <ul className="json-children">
          {entries.slice(0, shown).map(([k, v]) => (
            <li key={k}>
              <JsonEntry name={k} value={v} depth={depth + 1} expandDepth={expandDepth} />
            </li>
          ))}
          {entries.length > shown && (
            <li>
              <button type="button" className="json-more" onClick={() => setShown((s) => s + JSON_TREE_PAGE)}>
                Show {Math.min(JSON_TREE_PAGE, entries.length - shown)} more of {entries.length - shown} remaining
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

function JsonScalar({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  return <span>{String(value)}</span>;
}
