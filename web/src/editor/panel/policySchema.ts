import type { JsonSchema } from '../../api/nodeTypes';

/** The engine policies every node accepts, with the shapes and bounds of docs/flows.md. */
export const policySchema: JsonSchema = {
  type: 'object',
  properties: {
    retry: {
      type: 'object',
      title: 'Retry',
      description: 'How often the node is tried again when an attempt fails in a way a retry could fix.',
      properties: {
        maxAttempts: { type: 'integer', title: 'Attempts', description: 'Attempts in all, the first included; 1 never retries.', minimum: 1, maximum: 25, default: 1 },
        delayMs: { type: 'integer', title: 'First wait (ms)', description: 'Wait after the first failed attempt.', minimum: 0, maximum: 86_400_000, default: 1000 },
        multiplier: { type: 'number', title: 'Multiplier', description: 'Each further wait is the previous one times this.', minimum: 1, maximum: 10, default: 2 },
        maxDelayMs: { type: 'integer', title: 'Longest wait (ms)', description: 'No wait is longer; at least the first wait.', minimum: 0, maximum: 86_400_000, default: 300_000 },
        jitter: { type: 'number', title: 'Jitter', description: 'Each wait moves at random by up to this fraction of it.', minimum: 0, maximum: 1, default: 0 },
      },
    },
    timeoutMs: {
      type: 'integer',
      title: 'Timeout (ms)',
      description: "The most one attempt may run; empty uses the node type's default.",
      minimum: 1,
      maximum: 86_400_000,
    },
    onError: {
      type: 'string',
      title: 'On error',
      description: 'fail stops the run; continue ends this node Failed and sends the error out of its error port.',
      enum: ['fail', 'continue'],
      default: 'fail',
    },
  },
};
