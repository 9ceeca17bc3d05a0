// Undo/redo as a bounded stack of document snapshots. Snapshots are immutable values (React Flow state is never
// mutated in place), so keeping one is keeping a reference.

export interface History<T> {
  past: T[];
  future: T[];
}

export const historyLimit = 100;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [] };
}

/** Records `current` as the state to go back to before a change; a new change forgets what could be redone. */
export function record<T>(history: History<T>, current: T, limit = historyLimit): History<T> {
  const past = [...history.past, current];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] };
}

/** The state before the last change, or null when there is nothing to undo. */
export function undo<T>(history: History<T>, current: T): { history: History<T>; state: T } | null {
  if (history.past.length === 0) return null;
  const state = history.past[history.past.length - 1];
  return { history: { past: history.past.slice(0, -1), future: [current, ...history.future] }, state };
}

/** The state the last undo left, or null when there is nothing to redo. */
export function redo<T>(history: History<T>, current: T): { history: History<T>; state: T } | null {
  if (history.future.length === 0) return null;
  const [state, ...future] = history.future;
  return { history: { past: [...history.past, current], future }, state };
}
