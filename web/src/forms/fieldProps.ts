import type { JsonSchema } from '../api/nodeTypes';

/** What every field gets: its schema, value and path, and where to report a new value (undefined removes it). */
export interface FieldProps {
  name: string;
  path: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  required?: boolean;
  idBase: string;
}

/** A DOM id for a field path: `cases[0].port` → `<base>-cases-0--port`. */
export function fieldId(idBase: string, path: string): string {
  return `${idBase}-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export function titleOf(name: string, schema: JsonSchema): string {
  return typeof schema.title === 'string' && schema.title ? schema.title : name;
}
