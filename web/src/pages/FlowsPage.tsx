import { LoadingState } from '../components/States';

// Filled in by the flows page work; the route exists so navigation and the shell can be tested.
export function FlowsPage() {
  return <LoadingState label="Flows" />;
}
