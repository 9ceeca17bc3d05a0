import { describe, expect, it } from 'vitest';
import { emptyHistory, record, redo, undo } from './history';

describe('history', () => {
  it('record_ThenUndo_ReturnsThePreviousStateAndRedoReturnsTheNewOne', () => {
    const h = record(emptyHistory<string>(), 'a');
    const back = undo(h, 'b')!;
    expect(back.state).toBe('a');
    const forward = redo(back.history, back.state)!;
    expect(forward.state).toBe('b');
    expect(forward.history.past).toEqual(['a']);
  });

  it('undo_NothingRecorded_ReturnsNull', () => {
    expect(undo(emptyHistory<string>(), 'x')).toBeNull();
    expect(redo(emptyHistory<string>(), 'x')).toBeNull();
  });

  it('record_AfterUndo_ForgetsWhatCouldBeRedone', () => {
    const h = record(record(emptyHistory<string>(), 'a'), 'b');
    const back = undo(h, 'c')!;
    const changed = record(back.history, back.state);
    expect(changed.future).toEqual([]);
    expect(redo(changed, 'd')).toBeNull();
  });

  it('record_BeyondTheLimit_KeepsOnlyTheNewest', () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < 150; i++) h = record(h, i, 100);
    expect(h.past).toHaveLength(100);
    expect(h.past[0]).toBe(50);
    expect(h.past[99]).toBe(149);
  });

  it('undo_SeveralSteps_WalksBackInOrder', () => {
    let h = emptyHistory<number>();
    h = record(h, 1);
    h = record(h, 2);
    let step = undo(h, 3)!;
    expect(step.state).toBe(2);
    step = undo(step.history, step.state)!;
    expect(step.state).toBe(1);
    expect(undo(step.history, step.state)).toBeNull();
    expect(step.history.future).toEqual([2, 3]);
  });
});
