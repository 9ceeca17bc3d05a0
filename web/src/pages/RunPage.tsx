import { LoadingState } from '../components/States';

// Filled in by the run page work; the route exists so navigation and the shell can be tested.
export function RunPage() {
  return <LoadingState label="Run" />;
}
