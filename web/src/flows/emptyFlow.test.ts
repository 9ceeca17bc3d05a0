import { describe, expect, it } from 'vitest';
import { emptyFlow } from './api';

/** React Flow pans the view while an edge is drawn with the mouse this close to the canvas' edges. */
const autoPanBand = 40;

describe('emptyFlow', () => {
  it('emptyFlow_NewFlow_HasOneManualTriggerNamedAsAsked', () => {
    const flow = emptyFlow('Untitled flow');

    expect(flow.name).toBe('Untitled flow');
    expect(flow.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['trigger:trigger.manual']);
    expect(flow.edges).toEqual([]);
  });

  // Regression: the trigger sat in the canvas' top-left corner, so drawing an edge from it panned the view and the
  // edge missed the node it was dropped on.
  it('emptyFlow_NewFlow_DrawsTheTriggerClearOfTheAutoPanBand', () => {
    const flow = emptyFlow('Untitled flow');
    const { x, y, zoom } = flow.viewport!;
    const trigger = flow.nodes[0].position;

    expect(trigger.x * zoom + x).toBeGreaterThan(autoPanBand);
    expect(trigger.y * zoom + y).toBeGreaterThan(autoPanBand);
  });
});
