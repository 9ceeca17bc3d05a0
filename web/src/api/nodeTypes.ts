import { useQuery } from '@tanstack/react-query';
import { api } from './client';

/** One entry of GET /api/node-types. */
export interface NodeTypeDescriptor {
  id: string;
  displayName: string;
  category: string;
  description: string;
  icon: string;
  inputs: string[];
  configSchema: JsonSchema;
  outputs: string[];
  dynamicOutputs: boolean;
  /** The app whose connections this node uses (`slack`, `google`); its `connectionId` setting picks one of them. */
  provider?: string | null;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  'x-expression'?: boolean;
  [key: string]: unknown;
}

export function fetchNodeTypes(): Promise<NodeTypeDescriptor[]> {
  return api('/api/node-types');
}

export function useNodeTypes() {
  return useQuery({ queryKey: ['node-types'], queryFn: fetchNodeTypes, staleTime: 5 * 60_000 });
}
