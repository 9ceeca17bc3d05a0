import type { Edge } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { edgesForPorts } from './portEdges';

const edge = (id: string, source: string, sourceHandle: string | undefined, target: string): Edge => ({ id, source, sourceHandle, target });

describe('edgesForPorts', () => {
  const edges = [edge('a', 'check', 'main', 'next'), edge('b', 'check', 'error', 'alert'), edge('c', 'other', 'error', 'alert')];

  it('edgesForPorts_ErrorPortGone_RemovesOnlyThatNodesEdgesFromIt', () => {
    const result = edgesForPorts(edges, 'check', ['main', 'error'], ['main']);

    expect(result.edges.map((e) => e.id)).toEqual(['a', 'c']);
    expect(result.dropped).toEqual(['error']);
  });

  it('edgesForPorts_CaseRenamedInPlace_MovesItsEdgesToTheNewName', () => {
    const cases = [edge('g', 'route', 'gold', 'vip'), edge('d', 'route', 'default', 'rest')];

    const result = edgesForPorts(cases, 'route', ['gold', 'default'], ['golden', 'default']);

    expect(result.edges).toEqual([{ ...cases[0], sourceHandle: 'golden' }, cases[1]]);
    expect(result.dropped).toEqual([]);
  });

  it('edgesForPorts_CaseRemoved_RemovesItsEdges', () => {
    const cases = [edge('g', 'route', 'gold', 'vip'), edge('s', 'route', 'silver', 'std'), edge('d', 'route', 'default', 'rest')];

    const result = edgesForPorts(cases, 'route', ['gold', 'silver', 'default'], ['silver', 'default']);

    expect(result.edges.map((e) => e.id)).toEqual(['s', 'd']);
    expect(result.dropped).toEqual(['gold']);
  });

  it('edgesForPorts_EdgeWithoutAHandle_IsOnTheMainPort', () => {
    const result = edgesForPorts([edge('m', 'x', undefined, 'y')], 'x', ['main', 'error'], ['error']);

    expect(result.edges).toEqual([]);
    expect(result.dropped).toEqual(['main']);
  });

  it('edgesForPorts_NoPortGoneOrNoEdgeFromIt_KeepsTheSameArray', () => {
    expect(edgesForPorts(edges, 'check', ['main', 'error'], ['main', 'error', 'late']).edges).toBe(edges);
    expect(edgesForPorts(edges, 'next', ['main', 'error'], ['main']).edges).toBe(edges);
  });
});
