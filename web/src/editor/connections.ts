import type { Connection, Edge } from '@xyflow/react';

/** An edge goes from an output port to an input port of another node, and only once. */
export function isConnectionAllowed(connection: Connection | Edge, edges: readonly Edge[]): boolean {
  if (!connection.source || !connection.target || connection.source === connection.target) return false;
  return !edges.some(
    (e) =>
      e.source === connection.source &&
      e.target === connection.target &&
      (e.sourceHandle ?? null) === (connection.sourceHandle ?? null) &&
      (e.targetHandle ?? null) === (connection.targetHandle ?? null),
  );
}
