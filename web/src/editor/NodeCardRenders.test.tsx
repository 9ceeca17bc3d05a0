import { act, render } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider, type NodeProps, type NodeTypes } from '@xyflow/react';
import { useState } from 'react';
import { stubLayoutForReactFlow } from '../flow/reactFlowTestStubs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeCard, type NodeCardNode } from '../flow/NodeCard';
import { withNodeData } from './nodeData';
import { markNodes } from './problems';
import { testType } from './testTypes';

beforeAll(stubLayoutForReactFlow);

const renders = new Map<string, number>();
function CountingCard(props: NodeProps<NodeCardNode>) {
  renders.set(props.id, (renders.get(props.id) ?? 0) + 1);
  return <NodeCard {...props} />;
}
const countingTypes: NodeTypes = { card: CountingCard };

const manyNodes = (count: number): NodeCardNode[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `set-${i}`,
    type: 'card',
    position: { x: (i % 20) * 220, y: Math.floor(i / 20) * 100 },
    data: { label: `Set ${i}`, typeId: 'core.set', config: { values: {} }, inputs: ['main'], outputs: ['main'] },
  }));

let update: (f: (nodes: NodeCardNode[]) => NodeCardNode[]) => void = () => {};
function Canvas({ initial }: { initial: NodeCardNode[] }) {
  const [nodes, setNodes] = useState(initial);
  update = setNodes;
  return (
    <div style={{ width: 1000, height: 800 }}>
      <ReactFlow nodes={nodes} edges={[]} nodeTypes={countingTypes} />
    </div>
  );
}

describe('NodeCard rendering on a 200-node canvas', () => {
  it('withNodeData_OneNodeChanged_RendersOnlyThatNodeCardAgain', () => {
    renders.clear();
    const { container } = render(
      <ReactFlowProvider>
        <Canvas initial={manyNodes(200)} />
      </ReactFlowProvider>,
    );
    expect(container.querySelectorAll('.node-card')).toHaveLength(200);
    const before = new Map(renders);

    act(() => update((nodes) => withNodeData(nodes, 'set-7', { label: 'Renamed', config: { values: { a: 1 } } }, testType('core.set'))));

    expect(container.querySelector('[data-id="set-7"] .node-card-title')?.textContent).toBe('Renamed');
    const again = [...renders].filter(([id, n]) => n !== before.get(id)).map(([id]) => id);
    expect(again).toEqual(['set-7']);
  });

  it('markNodes_OneNodeWithAProblem_RendersOnlyThatNodeCardAgain', () => {
    renders.clear();
    const { container } = render(
      <ReactFlowProvider>
        <Canvas initial={manyNodes(200)} />
      </ReactFlowProvider>,
    );
    const before = new Map(renders);

    act(() => update((nodes) => markNodes(nodes, new Map([['set-42', ["'values' is required."]]]))));

    expect(container.querySelector('[data-id="set-42"] .node-card')?.classList.contains('has-problems')).toBe(true);
    const again = [...renders].filter(([id, n]) => n !== before.get(id)).map(([id]) => id);
    expect(again).toEqual(['set-42']);
  });
});
