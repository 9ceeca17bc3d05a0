// A page that shows the node panel beside a node's data, for panel.e2e.ts: the panel as the editor page uses it,
// against a real server, before and apart from the editor.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { api } from '../../src/api/client';
import { useNodeTypes } from '../../src/api/nodeTypes';
import { ErrorState, LoadingState } from '../../src/components/States';
import type { FlowDocument, FlowNodeData } from '../../src/flow/types';
import { NodePanel } from '../../src/editor/panel/NodePanel';
import '../../src/styles/app.css';

const params = new URLSearchParams(window.location.search);
const flowId = params.get('flow') ?? '';
const nodeId = params.get('node') ?? '';

function Editor({ document }: { document: FlowDocument }) {
  const types = useNodeTypes();
  const node = document.nodes.find((n) => n.id === nodeId);
  const [data, setData] = useState<FlowNodeData>(node?.data ?? {});
  if (types.isPending) return <LoadingState />;
  if (types.isError) return <ErrorState error={types.error} />;
  if (!node) return <ErrorState error={`No node ${nodeId}`} />;
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr 420px', height: '100vh' }}>
      <main style={{ padding: 16, overflow: 'auto' }}>
        <h1 style={{ fontSize: 16 }}>{document.name}</h1>
        <pre data-testid="node-data" style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>
          {JSON.stringify(data, null, 2)}
        </pre>
      </main>
      <NodePanel
        nodeId={nodeId}
        nodeType={types.data.find((t) => t.id === node.type)}
        data={data}
        onChange={setData}
        flowId={flowId}
        nodeIds={document.nodes.map((n) => n.id)}
      />
    </div>
  );
}

function Page() {
  const flow = useQuery({ queryKey: ['flow', flowId], queryFn: () => api<{ definition: FlowDocument }>(`/api/flows/${flowId}`) });
  if (flow.isPending) return <LoadingState />;
  if (flow.isError) return <ErrorState error={flow.error} />;
  return <Editor document={flow.data.definition} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <Page />
    </QueryClientProvider>
  </StrictMode>,
);
