import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { Background, Controls, ReactFlow, applyNodeChanges, type Edge, type NodeChange, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { NodeCard, type NodeCardNode } from '../flow/NodeCard';
import { runEdges } from './runCanvas';

const nodeTypes = { card: NodeCard };

interface RunCanvasProps {
  nodes: NodeCardNode[];
  edges: Edge[];
  setNodes: (update: (nodes: NodeCardNode[]) => NodeCardNode[]) => void;
  /** Whether the details drawer takes part of the width: the whole flow is fitted into what is left. */
  narrowed: boolean;
}

const fitOptions = { padding: 0.2, maxZoom: 1.2 };

/** The run's flow version, read-only: cards coloured by status, edges by whether the run took them. Selecting a node (click, or Enter on a focused node) opens its details. */
export function RunCanvas({ nodes, edges, setNodes, narrowed }: RunCanvasProps) {
  const instance = useRef<ReactFlowInstance<NodeCardNode> | null>(null);
  useEffect(() => {
    const frame = requestAnimationFrame(() => void instance.current?.fitView(fitOptions));
    return () => cancelAnimationFrame(frame);
  }, [narrowed]);
  const drawnEdges = useMemo(() => runEdges(edges, nodes), [edges, nodes]);
  const onNodesChange = useCallback(
    (changes: NodeChange<NodeCardNode>[]) =>
      setNodes((current) => applyNodeChanges(changes.filter((c) => c.type === 'select' || c.type === 'dimensions'), current)),
    [setNodes],
  );
  // Enter or Space on a focused node selects it (its details open), Escape clears the selection: the same whether or not
  // the canvas library handles the key itself, since selecting twice changes nothing.
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const target = event.target as HTMLElement;
      const id = target.classList.contains('react-flow__node') ? target.dataset.id : undefined;
      if (!id || !['Enter', ' ', 'Escape'].includes(event.key)) return;
      event.preventDefault();
      const select = event.key !== 'Escape';
      setNodes((current) =>
        current.map((n) => {
          const selected = select && n.id === id;
          return !!n.selected === selected ? n : { ...n, selected };
        }),
      );
    },
    [setNodes],
  );
  return (
    <div className="run-canvas" aria-label="Flow of this run" role="region" onKeyDown={onKeyDown}>
      <ReactFlow
        nodes={nodes}
        edges={drawnEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        multiSelectionKeyCode={null}
        selectionKeyCode={null}
        onInit={(flow) => (instance.current = flow)}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
