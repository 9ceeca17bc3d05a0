import { describe, expect, it } from 'vitest';
import { isFinalRunStatus, statusLook } from './runStatus';

describe('statusLook', () => {
  it.each([
    ['Pending', 'status-pending', '○'],
    ['Ready', 'status-ready', '◔'],
    ['Running', 'status-running', '◐'],
    ['Waiting', 'status-waiting', '◷'],
    ['Succeeded', 'status-succeeded', '✓'],
    ['Failed', 'status-failed', '✕'],
    ['Skipped', 'status-skipped', '⤼'],
    ['Cancelled', 'status-cancelled', '■'],
  ])('maps %s to its class and icon', (status, className, icon) => {
    const look = statusLook(status);

    expect(look.className).toBe(className);
    expect(look.icon).toBe(icon);
    expect(look.label).toBe(status);
  });

  it('reads statuses in any case and keeps an unknown status readable', () => {
    expect(statusLook('succeeded').className).toBe('status-succeeded');
    expect(statusLook('Exploded')).toMatchObject({ className: 'status-unknown', label: 'Exploded' });
    expect(statusLook(undefined).className).toBe('status-unknown');
  });

  it('calls only succeeded, failed and cancelled runs final', () => {
    expect(['Succeeded', 'Failed', 'Cancelled'].map(isFinalRunStatus)).toEqual([true, true, true]);
    expect(['Pending', 'Running', undefined].map(isFinalRunStatus)).toEqual([false, false, false]);
  });
});
