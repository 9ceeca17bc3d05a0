import type { JsonSchema, NodeTypeDescriptor } from '../api/nodeTypes';
import type { NodeCardNode } from '../flow/NodeCard';
import { outputsOf } from '../flow/toCanvas';

/** The drag payload type the palette puts in dataTransfer. */
export const paletteMime = 'application/x-flowforge-node-type';

export interface PaletteGroup {
  category: string;
  types: NodeTypeDescriptor[];
}

const categoryOrder = ['Trigger', 'Action', 'Logic'];

function categoryRank(category: string): number {
  const i = categoryOrder.findIndex((c) => c.toLowerCase() === category.toLowerCase());
  return i < 0 ? categoryOrder.length : i;
}

/** Node types grouped by category (triggers first), filtered by a case-insensitive search of name, id and description. */
export function groupTypes(types: readonly NodeTypeDescriptor[], query: string): PaletteGroup[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = types.filter((t) => {
    const text = `${t.displayName} ${t.id} ${t.description} ${t.category}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const groups = new Map<string, NodeTypeDescriptor[]>();
  for (const t of matches) {
    const category = t.category || 'Other';
    groups.set(category, [...(groups.get(category) ?? []), t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => categoryRank(a) - categoryRank(b) || a.localeCompare(b))
    .map(([category, list]) => ({ category, types: list.sort((a, b) => a.displayName.localeCompare(b.displayName)) }));
}

/** A new id `<short type>-<n>` (core.set → set-3) that no existing node uses. */
export function newNodeId(typeId: string, taken: ReadonlySet<string>): string {
  const short = (typeId.split('.').pop() || 'node').replace(/[^A-Za-z0-9_-]/g, '') || 'node';
  for (let n = 1; ; n++) {
    const id = `${short}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * A type's config as its schema's defaults say. A required setting without a default starts as its first allowed
 * value, or empty (an object, a list, or text — which also serves a setting that takes any value, such as a condition),
 * so that the form shows it ready to fill in.
 */
export function defaultConfig(schema: JsonSchema | undefined): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const required = new Set(schema?.required ?? []);
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    if (property.default !== undefined) {
      config[key] = structuredClone(property.default);
    } else if (required.has(key)) {
      const type = Array.isArray(property.type) ? property.type[0] : property.type;
      if (Array.isArray(property.enum) && property.enum.length > 0) config[key] = structuredClone(property.enum[0]);
      else if (type === 'object') config[key] = {};
      else if (type === 'array') config[key] = [];
      else if (type === 'string' || type === undefined) config[key] = '';
    }
  }
  return config;
}

/** A node of `type` dropped at `position`: label = the type's name, config = its defaults. */
export function createNode(type: NodeTypeDescriptor, position: { x: number; y: number }, taken: ReadonlySet<string>): NodeCardNode {
  const id = newNodeId(type.id, taken);
  const data = { label: type.displayName, config: defaultConfig(type.configSchema) };
  return {
    id,
    type: 'card',
    position,
    selected: true,
    data: {
      ...data,
      typeId: type.id,
      typeName: type.displayName,
      icon: type.icon,
      inputs: type.inputs ?? ['main'],
      outputs: outputsOf({ id, type: type.id, position, data }, type),
    },
  };
}
