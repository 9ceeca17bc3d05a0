import { describe, expect, it } from 'vitest';
import type { NodeCardNode } from '../flow/NodeCard';
import { toCanvasEdges, toCanvasNodes, typesById } from '../flow/toCanvas';
import type { FlowDocument } from '../flow/types';
import { isConnectionAllowed } from './connections';
import { toDocument } from './document';
import { testTypes } from './testTypes';

describe('toDocument', () => {
  it('toDocument_CanvasNodes_StoresOnlyTheDocumentKeys', () => {
    const doc: FlowDocument = {
      name: 'f',
      nodes: [
        { id: 'if-1', type: 'core.if', position: { x: 1, y: 2 }, data: { label: 'Check', config: { condition: '{{ input.ok }}' }, onError: 'continue', note: 'kept' } },
        { id: 'set-1', type: 'core.set', position: { x: 300, y: 2 }, data: { label: 'Yes', config: { values: {} } } },
      ],
      edges: [{ id: 'e1', source: 'if-1', target: 'set-1', sourceHandle: 'true' }],
    };
    const nodes: NodeCardNode[] = toCanvasNodes(doc, typesById(testTypes)).map((n) => ({ ...n, selected: true, data: { ...n.data, problems: ['x'] } }));

    const saved = toDocument('renamed', nodes, toCanvasEdges(doc), { x: 10.4, y: 20.6, zoom: 0.8 });

    expect(saved).toEqual({ ...doc, name: 'renamed', viewport: { x: 10, y: 21, zoom: 0.8 } });
  });
});

describe('isConnectionAllowed', () => {
  const edges = [{ id: 'e', source: 'a', target: 'b', sourceHandle: 'true', targetHandle: 'main' }];
  it('isConnectionAllowed_SelfOrDuplicate_IsRefused', () => {
    expect(isConnectionAllowed({ source: 'a', target: 'a', sourceHandle: 'main', targetHandle: 'main' }, edges)).toBe(false);
    expect(isConnectionAllowed({ source: 'a', target: 'b', sourceHandle: 'true', targetHandle: 'main' }, edges)).toBe(false);
  });
  it('isConnectionAllowed_OtherPort_IsAllowed', () => {
    expect(isConnectionAllowed({ source: 'a', target: 'b', sourceHandle: 'false', targetHandle: 'main' }, edges)).toBe(true);
  });
});
