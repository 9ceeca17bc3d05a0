import { LoadingState } from '../components/States';

// Filled in by the tokens page work; the route exists so navigation and the shell can be tested.
export function TokensPage() {
  return <LoadingState label="Tokens" />;
}
