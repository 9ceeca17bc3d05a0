import { lazy, Suspense } from 'react';
import { LoadingState } from '../components/States';

// The canvas (React Flow, dagre) loads only when a flow is opened.
const FlowEditor = lazy(() => import('../editor/FlowEditor'));

export function EditorPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading the editor…" />}>
      <FlowEditor />
    </Suspense>
  );
}
