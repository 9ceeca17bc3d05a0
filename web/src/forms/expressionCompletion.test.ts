import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { completionLimits, expressionCompletionSource, expressionPaths, insideTemplate } from './expressionCompletion';

const run = {
  input: { orderId: 7, customer: { email: 'a@b.c' }, items: [{ sku: 'A1' }] },
  nodes: [
    { nodeId: 'a', output: { x: 1, nested: { y: true } } },
    { nodeId: 'load orders', output: { 'unit price': 3 } },
    { nodeId: 'failed' },
  ],
};

async function complete(doc: string, paths: string[], explicit = false) {
  const state = EditorState.create({ doc, selection: { anchor: doc.length } });
  const result = await expressionCompletionSource(paths)(new CompletionContext(state, doc.length, explicit));
  return result as CompletionResult | null;
}

describe('expressionPaths', () => {
  it('walks the run input and every node output, quoting odd names', () => {
    const paths = expressionPaths(run, ['a', 'later']);
    expect(paths).toEqual(
      expect.arrayContaining([
        'input',
        'input.orderId',
        'input.customer.email',
        'input.items[0].sku',
        'nodes.a.output',
        'nodes.a.output.x',
        'nodes.a.output.nested.y',
        'nodes["load orders"].output["unit price"]',
        'nodes.later.output',
      ]),
    );
    expect(paths).not.toContain('nodes.failed.output');
  });

  it('leaves out the node being edited', () => {
    expect(expressionPaths(run, ['a'], 'a').some((p) => p.startsWith('nodes.a.'))).toBe(false);
  });

  it('stops at the depth and count limits', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10; i++) deep = { d: deep };
    const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const paths = expressionPaths({ input: deep, nodes: [{ nodeId: 'w', output: wide }] });
    expect(Math.max(...paths.map((p) => p.split('.').length - 1))).toBeLessThanOrEqual(completionLimits.maxDepth);
    expect(paths.length).toBeLessThanOrEqual(completionLimits.maxPaths);
    expect(paths.filter((p) => p.startsWith('nodes.w.output.')).length).toBe(completionLimits.maxKeysPerObject);
  });
});

describe('expressionCompletionSource', () => {
  const paths = expressionPaths(run, ['a']);

  it('offers node output paths after {{ nodes.', async () => {
    const result = await complete('Total: {{ nodes.', paths);
    const labels = result!.options.map((o) => o.label);
    expect(labels).toContain('nodes.a.output.x');
    expect(labels).toContain('nodes.a.output.nested.y');
    expect(labels.every((l) => l.startsWith('nodes.'))).toBe(true);
    expect(result!.from).toBe('Total: {{ '.length);
  });

  it('offers input paths and helpers by prefix', async () => {
    const input = await complete('{{ input.cu', paths);
    expect(input!.options.map((o) => o.label)).toEqual(['input.customer', 'input.customer.email']);
    const helpers = await complete('{{ low', paths);
    expect(helpers!.options.map((o) => o.label)).toEqual(['lower']);
    expect(helpers!.options[0].apply).toBe('lower(');
  });

  it('offers nothing outside {{ }}', async () => {
    expect(await complete('nodes.', paths)).toBeNull();
    expect(await complete('{{ input.a }} nodes.', paths)).toBeNull();
    expect(insideTemplate('{{ a }} {{ b', 11)).toBe(true);
  });
});
