import { describe, expect, it } from 'vitest';
import { createNode, defaultConfig, groupTypes, newNodeId } from './palette';
import { testType, testTypes } from './testTypes';

describe('palette', () => {
  it('groupTypes_NoQuery_GroupsByCategoryTriggersFirst', () => {
    const groups = groupTypes(testTypes, '');
    expect(groups.map((g) => g.category)).toEqual(['Trigger', 'Action', 'Logic']);
    expect(groups[2].types.map((t) => t.id)).toEqual(['core.if', 'core.set', 'core.switch']);
  });

  it('groupTypes_Query_MatchesNameIdOrDescriptionCaseInsensitively', () => {
    expect(groupTypes(testTypes, 'HTTP').flatMap((g) => g.types.map((t) => t.id))).toEqual(['trigger.webhook', 'http.request']);
    expect(groupTypes(testTypes, 'core.sw').flatMap((g) => g.types.map((t) => t.id))).toEqual(['core.switch']);
    expect(groupTypes(testTypes, 'nothing like this')).toEqual([]);
  });

  it('newNodeId_TakenIds_UsesTheNextFreeNumber', () => {
    expect(newNodeId('core.set', new Set())).toBe('set-1');
    expect(newNodeId('core.set', new Set(['set-1', 'set-2']))).toBe('set-3');
    expect(newNodeId('http.request', new Set(['set-1']))).toBe('request-1');
  });

  it('defaultConfig_Schema_UsesDefaultsAndStartsRequiredSettingsEmpty', () => {
    expect(defaultConfig(testType('http.request').configSchema)).toEqual({ url: '', method: 'GET', timeoutMs: 30000 });
    expect(defaultConfig(testType('core.set').configSchema)).toEqual({ values: {} });
    expect(defaultConfig(testType('core.switch').configSchema)).toEqual({ cases: [] });
    expect(defaultConfig(testType('core.if').configSchema)).toEqual({ condition: '' });
    expect(defaultConfig({ required: ['mode', 'n'], properties: { mode: { type: 'string', enum: ['append', 'wait'] }, n: { type: 'integer' } } })).toEqual({ mode: 'append' });
  });

  it('createNode_Drop_NewSelectedCardWithLabelPortsAndDefaults', () => {
    const node = createNode(testType('core.if'), { x: 10, y: 20 }, new Set(['if-1']));
    expect(node).toMatchObject({
      id: 'if-2',
      type: 'card',
      position: { x: 10, y: 20 },
      selected: true,
      data: { label: 'If', typeId: 'core.if', typeName: 'If', inputs: ['main'], outputs: ['true', 'false'], config: { condition: '' } },
    });
  });

  it('createNode_Trigger_HasNoInputs', () => {
    expect(createNode(testType('trigger.manual'), { x: 0, y: 0 }, new Set()).data.inputs).toEqual([]);
  });
});
