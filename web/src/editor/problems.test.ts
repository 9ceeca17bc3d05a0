import type { Edge } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { NodeCardNode } from '../flow/NodeCard';
import { indexProblems, markEdges, markNodes } from './problems';

const node = (id: string): NodeCardNode => ({ id, type: 'card', position: { x: 0, y: 0 }, data: { typeId: 'core.set', label: id } });

describe('problems', () => {
  const problems = indexProblems([
    { code: 'invalid_config', message: "'url' is required.", nodeId: 'request-1', field: 'url' },
    { code: 'cycle', message: 'The flow loops.', nodeIds: ['a', 'b'] },
    { code: 'unknown_port', message: "Port 'maybe' does not exist.", edgeId: 'e1', nodeId: 'a' },
  ]);

  it('indexProblems_NodeIdsAndEdgeIds_AreEachIndexed', () => {
    expect(problems.byNode.get('request-1')).toEqual(["'url' is required."]);
    expect(problems.byNode.get('a')).toEqual(['The flow loops.', "Port 'maybe' does not exist."]);
    expect(problems.byNode.get('b')).toEqual(['The flow loops.']);
    expect(problems.byEdge.get('e1')).toEqual(["Port 'maybe' does not exist."]);
  });

  it('markNodes_Problems_MarksOnlyTheNamedNodesAndKeepsTheOthersObjects', () => {
    const nodes = [node('request-1'), node('c')];
    const marked = markNodes(nodes, problems.byNode);
    expect(marked[0].data.problems).toEqual(["'url' is required."]);
    expect(marked[1]).toBe(nodes[1]);
  });

  it('markNodes_ProblemsCleared_RemovesTheMarkAndNoChangeKeepsTheArray', () => {
    const marked = markNodes([node('request-1')], problems.byNode);
    const cleared = markNodes(marked, new Map());
    expect(cleared[0].data.problems).toBeUndefined();
    expect(markNodes(cleared, new Map())).toBe(cleared);
  });

  it('markEdges_Problem_AddsTheProblemClassToThatEdgeOnly', () => {
    const edges: Edge[] = [{ id: 'e1', source: 'a', target: 'b' }, { id: 'e2', source: 'b', target: 'c' }];
    const marked = markEdges(edges, problems.byEdge);
    expect(marked[0].className).toBe('edge-problem');
    expect(marked[1]).toBe(edges[1]);
    expect(markEdges(marked, new Map())[0].className).toBeUndefined();
  });
});
