import type { Edge } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { NodeCardNode } from '../flow/NodeCard';
import { copySelection, newEdgeId, pasteClip } from './clipboard';

const node = (id: string, typeId: string, selected = false, x = 0): NodeCardNode => ({
  id,
  type: 'card',
  position: { x, y: 10 },
  selected,
  data: { label: id, typeId, config: { a: 1 }, problems: ['old problem'] },
});

describe('clipboard', () => {
  const nodes = [node('set-1', 'core.set', true, 0), node('if-1', 'core.if', true, 200), node('set-2', 'core.set', false, 400)];
  const edges: Edge[] = [
    { id: 'e1', source: 'set-1', target: 'if-1', sourceHandle: 'main' },
    { id: 'e2', source: 'if-1', target: 'set-2', sourceHandle: 'true' },
  ];

  it('copySelection_TwoSelectedNodes_KeepsOnlyTheEdgeBetweenThem', () => {
    const clip = copySelection(nodes, edges)!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['set-1', 'if-1']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e1']);
  });

  it('copySelection_NothingSelected_ReturnsNull', () => {
    expect(copySelection(nodes.map((n) => ({ ...n, selected: false })), edges)).toBeNull();
  });

  it('pasteClip_RemapsIdsOffsetsAndRepointsInnerEdges', () => {
    const clip = copySelection(nodes, edges)!;
    const pasted = pasteClip(clip, nodes, edges, { x: 40, y: 40 });

    expect(pasted.nodes.map((n) => n.id)).toEqual(['set-3', 'if-2']);
    expect(pasted.nodes[0].position).toEqual({ x: 40, y: 50 });
    expect(pasted.nodes.every((n) => n.selected)).toBe(true);
    expect(pasted.nodes[0].data.config).toEqual({ a: 1 });
    expect(pasted.nodes[0].data.problems).toBeUndefined();
    expect(pasted.edges).toHaveLength(1);
    expect(pasted.edges[0]).toMatchObject({ source: 'set-3', target: 'if-2', sourceHandle: 'main' });
    const allEdgeIds = new Set([...edges.map((e) => e.id), ...pasted.edges.map((e) => e.id)]);
    expect(allEdgeIds.size).toBe(3);
  });

  it('pasteClip_Twice_NeverReusesAnId', () => {
    const clip = copySelection(nodes, edges)!;
    const first = pasteClip(clip, nodes, edges);
    const after = [...nodes, ...first.nodes];
    const second = pasteClip(first, after, [...edges, ...first.edges]);
    const ids = [...after, ...second.nodes].map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('newEdgeId_Taken_AddsACounter', () => {
    expect(newEdgeId('a', 'true', 'b', new Set())).toBe('a-true-b');
    expect(newEdgeId('a', null, 'b', new Set(['a-main-b']))).toBe('a-main-b-2');
  });
});
