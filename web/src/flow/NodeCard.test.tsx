import { render } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { stubLayoutForReactFlow } from './reactFlowTestStubs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeTypes } from '../editor/FlowEditor';
import type { NodeCardNode } from './NodeCard';

beforeAll(stubLayoutForReactFlow);

const node = (id: string, typeId: string, outputs: string[]): NodeCardNode => ({
  id,
  type: 'card',
  position: { x: 0, y: 0 },
  data: { label: id, typeId, outputs, status: 'Succeeded', durationMs: 48 },
});

function cardOf(container: HTMLElement, id: string) {
  return container.querySelector(`[data-id="${id}"] .node-card`)!;
}

describe('NodeCard', () => {
  // Regression: an if node's run status ("Succeeded · 48 ms") ran under its "false" port name.
  it('NodeCard_SeveralNamedOutputs_KeepsRoomForThePortNames', () => {
    const { container } = render(
      <ReactFlowProvider>
        <div style={{ width: 800, height: 600 }}>
          <ReactFlow nodes={[node('check', 'core.if', ['true', 'false']), node('note', 'core.set', ['main'])]} edges={[]} nodeTypes={nodeTypes} />
        </div>
      </ReactFlowProvider>,
    );

    expect(cardOf(container, 'check').classList.contains('has-port-labels')).toBe(true);
    expect([...container.querySelectorAll('[data-id="check"] .node-card-port')].map((p) => p.textContent)).toEqual(['true', 'false']);
    expect(cardOf(container, 'note').classList.contains('has-port-labels')).toBe(false);
    expect(container.querySelectorAll('[data-id="note"] .node-card-port')).toHaveLength(0);
  });
});
