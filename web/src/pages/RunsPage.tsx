import { LoadingState } from '../components/States';

// Filled in by the runs page work; the route exists so navigation and the shell can be tested.
export function RunsPage() {
  return <LoadingState label="Runs" />;
}
