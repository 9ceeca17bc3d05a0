import { describe, expect, it } from 'vitest';
import { codeLanguage, fieldKind } from './fieldKind';

describe('fieldKind', () => {
  it.each([
    [{ type: 'string' }, 'text'],
    [{ type: ['string', 'null'] }, 'text'],
    [{ type: 'string', maxLength: 5000 }, 'multiline'],
    [{ type: 'string', 'x-expression': true }, 'expression'],
    [{ type: 'string', 'x-expression': true, writeOnly: true }, 'secret'],
    [{ type: 'string', format: 'javascript', 'x-expression': true }, 'code'],
    [{ type: 'string', 'x-language': 'javascript' }, 'code'],
    [{ type: 'integer', minimum: 1 }, 'integer'],
    [{ type: ['number', 'null'] }, 'number'],
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'string', enum: ['a', 'b'], 'x-expression': true }, 'enum'],
    [{ type: ['object', 'null'], additionalProperties: { type: 'string' } }, 'keyValue'],
    [{ type: 'array', items: { type: 'object', properties: { port: { type: 'string' } } } }, 'objectList'],
    [{ type: 'array', items: { type: 'string' } }, 'stringList'],
    [{ type: ['object', 'null'], properties: { header: { type: 'string' } } }, 'object'],
    [{ type: 'object', 'x-expression': true }, 'json'],
    [{ 'x-expression': true }, 'anyValue'],
    [{}, 'json'],
  ])('gives %j the %s control', (schema, kind) => {
    expect(fieldKind(schema)).toBe(kind);
  });

  it('reads JavaScript from x-language, format or contentMediaType', () => {
    expect(codeLanguage({ contentMediaType: 'text/javascript' })).toBe('javascript');
    expect(codeLanguage({ format: 'uri' })).toBeUndefined();
  });
});
