import { render } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeTypes } from '../editor/FlowEditor';
import type { NodeCardNode } from './NodeCard';
import { stubLayoutForReactFlow } from './reactFlowTestStubs';

const measure = vi.fn();
vi.mock('@xyflow/react', async (actual) => ({ ...(await actual<typeof import('@xyflow/react')>()), useUpdateNodeInternals: () => measure }));

beforeAll(stubLayoutForReactFlow);

const node = (outputs: string[], label = 'Check'): NodeCardNode => ({
  id: 'check',
  type: 'card',
  position: { x: 0, y: 0 },
  data: { label, typeId: 'core.noop', inputs: ['main'], outputs },
});

function Canvas({ nodes }: { nodes: NodeCardNode[] }) {
  return (
    <ReactFlowProvider>
      <div style={{ width: 800, height: 600 }}>
        <ReactFlow nodes={nodes} edges={[]} nodeTypes={nodeTypes} />
      </div>
    </ReactFlowProvider>
  );
}

describe('usePortsMeasured', () => {
  it('NodeCard_PortAddedOrRemoved_HasReactFlowMeasureThatNodeAgain', () => {
    const view = render(<Canvas nodes={[node(['main'])]} />);
    view.rerender(<Canvas nodes={[node(['main'], 'Renamed')]} />);
    expect(measure).not.toHaveBeenCalled();

    view.rerender(<Canvas nodes={[node(['main', 'error'])]} />);
    expect(measure).toHaveBeenCalledTimes(1);
    expect(measure).toHaveBeenLastCalledWith('check');

    view.rerender(<Canvas nodes={[node(['main'])]} />);
    expect(measure).toHaveBeenCalledTimes(2);
  });
});
