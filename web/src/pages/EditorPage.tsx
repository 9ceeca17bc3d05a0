import { LoadingState } from '../components/States';

// Filled in by the editor page work; the route exists so navigation and the shell can be tested.
export function EditorPage() {
  return <LoadingState label="Editor" />;
}
