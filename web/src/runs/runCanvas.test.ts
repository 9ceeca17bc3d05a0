import { describe, expect, it } from 'vitest';
import type { Edge } from '@xyflow/react';
import type { NodeCardNode } from '../flow/NodeCard';
import type { NodeRunDetails } from '../api/runs';
import { applyNodeEvent, applyRunDetails, runEdges } from './runCanvas';

function card(id: string, status?: NodeCardNode['data']['status']): NodeCardNode {
  return { id, type: 'card', position: { x: 0, y: 0 }, data: { typeId: 'core.noop', status } };
}

function details(nodeId: string, status: string, startedAt?: string, finishedAt?: string): NodeRunDetails {
  return { nodeId, type: 'core.noop', status, attempt: 1, startedAt, finishedAt, waitingForSignal: false, attempts: [] };
}

describe('applyNodeEvent', () => {
  it('gives only the named node a new object, with its status and duration', () => {
    const nodes = [card('a', 'Succeeded'), card('b', 'Pending'), card('c', 'Pending')];
    const timings = new Map();

    const running = applyNodeEvent(nodes, { runId: 'r', nodeId: 'b', status: 'Running', at: '2026-01-01T00:00:00Z' }, timings);
    const done = applyNodeEvent(running, { runId: 'r', nodeId: 'b', status: 'Succeeded', at: '2026-01-01T00:00:00.250Z' }, timings);

    expect(running).not.toBe(nodes);
    expect(running[0]).toBe(nodes[0]);
    expect(running[2]).toBe(nodes[2]);
    expect(running[1].data.status).toBe('Running');
    expect(done[0]).toBe(nodes[0]);
    expect(done[2]).toBe(nodes[2]);
    expect(done[1].data).toMatchObject({ status: 'Succeeded', durationMs: 250 });
  });

  it('returns the same array for an unknown node or an unchanged status', () => {
    const nodes = [card('a', 'Running')];

    expect(applyNodeEvent(nodes, { runId: 'r', nodeId: 'zzz', status: 'Failed' }, new Map())).toBe(nodes);
    expect(applyNodeEvent(nodes, { runId: 'r', nodeId: 'a', status: 'Running' }, new Map())).toBe(nodes);
  });
});

describe('applyRunDetails', () => {
  it('restyles changed nodes only and marks nodes the run has not reached as pending', () => {
    const nodes = [card('a', 'Succeeded'), card('b', 'Running'), card('c')];
    nodes[0].data.durationMs = 1000;

    const next = applyRunDetails(nodes, [
      details('a', 'Succeeded', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z'),
      details('b', 'Failed', '2026-01-01T00:00:01Z', '2026-01-01T00:00:03Z'),
    ]);

    expect(next[0]).toBe(nodes[0]);
    expect(next[1].data).toMatchObject({ status: 'Failed', durationMs: 2000 });
    expect(next[2].data.status).toBe('Pending');
  });
});

describe('nodeDisplayStatus', () => {
  it('shows a running node that waits for a time or a signal as waiting', () => {
    expect(applyRunDetails([card('w')], [{ ...details('w', 'Running'), waitingForSignal: true }])[0].data.status).toBe('Waiting');
    expect(applyRunDetails([card('t')], [{ ...details('t', 'Running'), waitUntil: '2026-01-01T00:00:00Z' }])[0].data.status).toBe('Waiting');
    expect(applyRunDetails([card('r')], [details('r', 'Running')])[0].data.status).toBe('Running');
  });
});

describe('runEdges', () => {
  it('marks edges into reached nodes taken and edges into skipped nodes faded', () => {
    const nodes = [card('if', 'Succeeded'), card('yes', 'Succeeded'), card('no', 'Skipped'), card('later', 'Pending')];
    const edges: Edge[] = [
      { id: 'e1', source: 'if', target: 'yes' },
      { id: 'e2', source: 'if', target: 'no' },
      { id: 'e3', source: 'yes', target: 'later' },
    ];

    expect(runEdges(edges, nodes).map((e) => e.className)).toEqual(['edge-taken', 'edge-skipped', 'edge-idle']);
  });
});
