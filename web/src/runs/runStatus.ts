// How a run or node status looks: one place maps each status to its CSS class, icon and words.

export interface StatusLook {
  /** The `status-*` class NodeCard and the badges carry. */
  className: string;
  /** A text glyph, so that colour is never the only sign of a status. */
  icon: string;
  label: string;
  /** Still moving: the status can change without anyone acting. */
  live: boolean;
}

const looks: Record<string, StatusLook> = {
  pending: { className: 'status-pending', icon: '○', label: 'Pending', live: true },
  ready: { className: 'status-ready', icon: '◔', label: 'Ready', live: true },
  running: { className: 'status-running', icon: '◐', label: 'Running', live: true },
  waiting: { className: 'status-waiting', icon: '◷', label: 'Waiting', live: true },
  succeeded: { className: 'status-succeeded', icon: '✓', label: 'Succeeded', live: false },
  failed: { className: 'status-failed', icon: '✕', label: 'Failed', live: false },
  skipped: { className: 'status-skipped', icon: '⤼', label: 'Skipped', live: false },
  cancelled: { className: 'status-cancelled', icon: '■', label: 'Cancelled', live: false },
};

const unknown: StatusLook = { className: 'status-unknown', icon: '?', label: 'Unknown', live: false };

export function statusLook(status: string | null | undefined): StatusLook {
  if (!status) return unknown;
  return looks[status.toLowerCase()] ?? { ...unknown, label: status };
}

/** A run that has reached one of these no longer changes by itself. */
export function isFinalRunStatus(status: string | null | undefined): boolean {
  const s = status?.toLowerCase();
  return s === 'succeeded' || s === 'failed' || s === 'cancelled';
}

/**
 * Statuses the history can filter on: the run statuses the API knows. A run whose node waits (for a time or a
 * signal) is Running until it ends, so "running" includes the waiting ones.
 */
export const runStatusFilters = ['all', 'pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatusFilter = (typeof runStatusFilters)[number];
