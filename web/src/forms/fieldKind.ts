import type { JsonSchema } from '../api/nodeTypes';

/** The control a schema is edited with; decided from the schema alone, never from the node type. */
export type FieldKind =
  | 'text'
  | 'multiline'
  | 'expression'
  | 'anyValue'
  | 'secret'
  | 'code'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'keyValue'
  | 'objectList'
  | 'stringList'
  | 'object'
  | 'json';

/** Strings longer than this (by maxLength or by their default) get a multi-line box. */
export const longTextLength = 200;

/** The schema's types, without "null" (a nullable string is still a string). */
export function schemaTypes(schema: JsonSchema): string[] {
  const type = schema.type;
  const types = Array.isArray(type) ? type : type ? [type] : [];
  return types.filter((t) => t !== 'null');
}

/** The language of a code field: `x-language`, `format` or `contentMediaType` naming JavaScript. */
export function codeLanguage(schema: JsonSchema): 'javascript' | undefined {
  const hints = [schema['x-language'], schema.format, schema.contentMediaType].filter((h): h is string => typeof h === 'string');
  return hints.some((h) => /^(javascript|js|text\/javascript|application\/javascript)$/i.test(h)) ? 'javascript' : undefined;
}

function isMultiline(schema: JsonSchema): boolean {
  if (schema['x-multiline'] === true || schema.format === 'textarea' || schema.format === 'multiline') return true;
  if (typeof schema.maxLength === 'number' && schema.maxLength > longTextLength) return true;
  return typeof schema.default === 'string' && (schema.default.length > longTextLength || schema.default.includes('\n'));
}

export function fieldKind(schema: JsonSchema): FieldKind {
  const types = schemaTypes(schema);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'enum';
  // No type: any JSON value; with x-expression typed as text that may be an expression (a condition, a case).
  if (types.length === 0 && schema['x-expression'] === true && !schema.properties && !schema.items) return 'anyValue';
  if (types.length === 1) {
    const [type] = types;
    switch (type) {
      case 'string':
        if (schema.writeOnly === true) return 'secret';
        if (codeLanguage(schema)) return 'code';
        if (schema['x-expression'] === true) return 'expression';
        return isMultiline(schema) ? 'multiline' : 'text';
      case 'number':
        return 'number';
      case 'integer':
        return 'integer';
      case 'boolean':
        return 'boolean';
      case 'array': {
        const items = schema.items;
        if (items && typeof items === 'object') {
          const itemTypes = schemaTypes(items);
          if (itemTypes.length === 1 && itemTypes[0] === 'string' && !items.enum) return 'stringList';
          if (itemTypes.length === 1 && itemTypes[0] === 'object' && items.properties) return 'objectList';
        }
        return 'json';
      }
      case 'object': {
        if (schema.properties && Object.keys(schema.properties).length > 0) return 'object';
        const additional = schema.additionalProperties;
        if (additional && typeof additional === 'object' && schemaTypes(additional).length === 1 && schemaTypes(additional)[0] === 'string')
          return 'keyValue';
        return 'json';
      }
    }
  }
  return 'json';
}

/** A schema's default as placeholder text. */
export function placeholderOf(schema: JsonSchema): string | undefined {
  const value = schema.default;
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
