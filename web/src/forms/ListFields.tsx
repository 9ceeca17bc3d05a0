import type { JsonSchema } from '../api/nodeTypes';
import { FieldGroup } from './FieldGroup';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { childPath, problemsFor, useFormContext } from './formContext';
import { ObjectProperties } from './SchemaField';

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function move<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

/** A list of texts: one input per element, added and removed. */
export function StringListField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const label = titleOf(name, schema);
  const items = listOf(value).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const own = problemsFor(problems, path, false);
  const update = (next: string[]) => onChange(next.length === 0 && !required ? undefined : next);
  return (
    <FieldGroup id={id} label={label} description={schema.description} required={required} problems={own}>
      {items.length === 0 && <p className="field-empty">No items yet.</p>}
      {items.map((item, i) => {
        const itemProblems = problemsFor(problems, childPath(path, i), true);
        return (
          <div className="list-row" key={i}>
            <input
              aria-label={`${label} ${i + 1}`}
              aria-invalid={itemProblems.length > 0 || undefined}
              value={item}
              onChange={(e) => update(items.map((v, j) => (j === i ? e.target.value : v)))}
            />
            <button type="button" className="icon-button" aria-label={`Remove ${label} ${i + 1}`} onClick={() => update(items.filter((_, j) => j !== i))}>
              ×
            </button>
            {itemProblems.length > 0 && <p className="field-error">{itemProblems.join(' ')}</p>}
          </div>
        );
      })}
      <button type="button" className="add-button" onClick={() => update([...items, ''])}>
        Add item
      </button>
    </FieldGroup>
  );
}

/** A list of objects (a switch's cases): one sub-form per element, added, removed and moved. */
export function ObjectListField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const label = titleOf(name, schema);
  const itemSchema = (schema.items ?? {}) as JsonSchema;
  // "Cases" holds cases: each is a "Case" unless the item schema names it.
  const itemTitle =
    typeof itemSchema.title === 'string' && itemSchema.title ? itemSchema.title : /[^s]s$/.test(label) ? label.slice(0, -1) : 'Item';
  const items = listOf(value);
  const own = problemsFor(problems, path, false);
  const update = (next: unknown[]) => onChange(next.length === 0 && !required ? undefined : next);
  return (
    <FieldGroup id={id} label={label} description={schema.description} required={required} problems={own}>
      {items.length === 0 && <p className="field-empty">No {label.toLowerCase()} yet.</p>}
      {items.map((item, i) => {
        const itemPath = childPath(path, i);
        const itemProblems = problemsFor(problems, itemPath, false);
        const object = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
        return (
          <fieldset className="list-item" key={i}>
            <legend>
              {itemTitle} {i + 1}
            </legend>
            <div className="list-item-actions">
              <button type="button" aria-label={`Move ${itemTitle.toLowerCase()} ${i + 1} up`} disabled={i === 0} onClick={() => update(move(items, i, i - 1))}>
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${itemTitle.toLowerCase()} ${i + 1} down`}
                disabled={i === items.length - 1}
                onClick={() => update(move(items, i, i + 1))}
              >
                ↓
              </button>
              <button type="button" aria-label={`Remove ${itemTitle.toLowerCase()} ${i + 1}`} onClick={() => update(items.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
            <ObjectProperties
              schema={itemSchema}
              value={object}
              path={itemPath}
              idBase={idBase}
              onChange={(next) => update(items.map((v, j) => (j === i ? next : v)))}
            />
            {itemProblems.length > 0 && <p className="field-error">{itemProblems.join(' ')}</p>}
          </fieldset>
        );
      })}
      <button type="button" className="add-button" onClick={() => update([...items, {}])}>
        Add {itemTitle.toLowerCase()}
      </button>
    </FieldGroup>
  );
}
