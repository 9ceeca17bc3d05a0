import type { Edge } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { NodeCardNode } from '../flow/NodeCard';
import { layoutNodes } from './layout';

const node = (id: string): NodeCardNode => ({
  id,
  type: 'card',
  position: { x: 0, y: 0 },
  data: { typeId: id === 'if' ? 'core.if' : 'core.noop', label: id, outputs: id === 'if' ? ['true', 'false'] : ['main'] },
});

describe('layoutNodes', () => {
  it('layoutNodes_Branches_KeepsEveryNodeAndPlacesThemLeftToRight', () => {
    const nodes = ['trigger', 'set', 'if', 'yes', 'no', 'lonely'].map(node);
    const edges: Edge[] = [
      { id: '1', source: 'trigger', target: 'set' },
      { id: '2', source: 'set', target: 'if' },
      { id: '3', source: 'if', target: 'yes', sourceHandle: 'true' },
      { id: '4', source: 'if', target: 'no', sourceHandle: 'false' },
    ];
    const placed = layoutNodes(nodes, edges);
    const at = (id: string) => placed.find((n) => n.id === id)!.position;

    expect(placed.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
    expect(placed.every((n, i) => n.data === nodes[i].data)).toBe(true);
    expect(at('trigger').x).toBeLessThan(at('set').x);
    expect(at('set').x).toBeLessThan(at('if').x);
    expect(at('if').x).toBeLessThan(at('yes').x);
    expect(at('yes').x).toBe(at('no').x);
    expect(at('yes').y).toBeLessThan(at('no').y);
  });

  it('layoutNodes_BranchesAddedFalseFirst_StillStacksTrueAboveFalse', () => {
    const nodes = ['if', 'no', 'yes'].map(node);
    const edges: Edge[] = [
      { id: '1', source: 'if', target: 'no', sourceHandle: 'false' },
      { id: '2', source: 'if', target: 'yes', sourceHandle: 'true' },
    ];
    const placed = layoutNodes(nodes, edges);
    const at = (id: string) => placed.find((n) => n.id === id)!.position;
    expect(at('yes').y).toBeLessThan(at('no').y);
  });

  it('layoutNodes_EdgeToAMissingNode_IsIgnored', () => {
    const placed = layoutNodes([node('a')], [{ id: 'x', source: 'a', target: 'ghost' }]);
    expect(placed).toHaveLength(1);
  });
});
