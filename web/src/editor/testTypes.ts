import type { NodeTypeDescriptor } from '../api/nodeTypes';

/** Node-type descriptors shaped like GET /api/node-types, for component tests. */
export const testTypes: NodeTypeDescriptor[] = [
  { id: 'trigger.manual', displayName: 'Manual Trigger', category: 'Trigger', description: 'Starts a run by hand.', icon: 'play', inputs: [], outputs: ['main'], dynamicOutputs: false, configSchema: { type: 'object', properties: {} } },
  { id: 'trigger.webhook', displayName: 'Webhook Trigger', category: 'Trigger', description: 'Starts a run on an HTTP call.', icon: 'webhook', inputs: [], outputs: ['main'], dynamicOutputs: false, configSchema: { type: 'object', properties: { method: { type: 'string', default: 'POST' } } } },
  { id: 'core.set', displayName: 'Set Values', category: 'Logic', description: 'Outputs an object built from the fields you set.', icon: 'pencil', inputs: ['main'], outputs: ['main'], dynamicOutputs: false, configSchema: { type: 'object', required: ['values'], properties: { values: { type: 'object' } } } },
  { id: 'core.if', displayName: 'If', category: 'Logic', description: 'Sends its input through true or false.', icon: 'git-branch', inputs: ['main'], outputs: ['true', 'false'], dynamicOutputs: false, configSchema: { type: 'object', required: ['condition'], properties: { condition: {} } } },
  { id: 'core.switch', displayName: 'Switch', category: 'Logic', description: 'Routes by cases.', icon: 'split', inputs: ['main'], outputs: ['default'], dynamicOutputs: true, configSchema: { type: 'object', required: ['cases'], properties: { cases: { type: 'array' } } } },
  { id: 'http.request', displayName: 'HTTP Request', category: 'Action', description: 'Calls a URL.', icon: 'globe', inputs: ['main'], outputs: ['main'], dynamicOutputs: false, configSchema: { type: 'object', required: ['url'], properties: { url: { type: 'string' }, method: { type: 'string', default: 'GET' }, timeoutMs: { type: 'integer', default: 30000 } } } },
];

export const testType = (id: string) => testTypes.find((t) => t.id === id)!;
