import { memo, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { NodeTypeDescriptor } from '../api/nodeTypes';
import { EmptyState } from '../components/States';
import { groupTypes, paletteMime } from './palette';

export interface PaletteProps {
  types: readonly NodeTypeDescriptor[];
  /** Adds a node of the type at the centre of the view (Enter or a double click on an item). */
  onAdd: (type: NodeTypeDescriptor) => void;
}

function onDragStart(event: DragEvent<HTMLElement>, type: NodeTypeDescriptor) {
  event.dataTransfer.setData(paletteMime, type.id);
  event.dataTransfer.setData('text/plain', type.id);
  event.dataTransfer.effectAllowed = 'move';
}

/** The node types, grouped by category, with a search box; drag an item onto the canvas or press Enter on it. */
export const Palette = memo(function Palette({ types, onAdd }: PaletteProps) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupTypes(types, query), [types, query]);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>, type: NodeTypeDescriptor) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onAdd(type);
    }
  };
  return (
    <aside className="editor-palette" aria-label="Node types">
      <label className="editor-palette-search">
        <span className="visually-hidden">Search node types</span>
        <input type="search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <p className="editor-palette-hint muted">Drag a node onto the canvas, or focus it and press Enter.</p>
      {groups.length === 0 && <EmptyState title="No node matches">Try another word.</EmptyState>}
      {groups.map((group) => (
        <section key={group.category} className="editor-palette-group">
          <h3>{group.category}</h3>
          <ul role="list">
            {group.types.map((type) => (
              <li
                key={type.id}
                className="editor-palette-item"
                draggable
                tabIndex={0}
                role="button"
                aria-label={`Add ${type.displayName}`}
                title={type.description}
                data-type-id={type.id}
                onDragStart={(e) => onDragStart(e, type)}
                onKeyDown={(e) => onKeyDown(e, type)}
                onDoubleClick={() => onAdd(type)}
              >
                <span className="editor-palette-name">{type.displayName}</span>
                <span className="editor-palette-id">{type.id}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
});
