// A provider's own form fields (GET /api/connection-providers `fields`): their values as typed, the problems, and the
// request they become.
import type { ProviderField } from './api';

export type FieldValues = Record<string, string>;

/** The generic OAuth 2.0 provider's fields when the server does not list them. */
export const genericOAuthFields: ProviderField[] = [
  { name: 'authorizeUrl', label: 'Authorize URL', type: 'url', required: true },
  { name: 'tokenUrl', label: 'Token URL', type: 'url', required: true },
  { name: 'clientId', label: 'Client id', type: 'text', required: true },
  { name: 'clientSecret', label: 'Client secret', type: 'password', required: true, secret: true },
];

export function isSecretField(field: ProviderField): boolean {
  return field.secret === true || field.type === 'password';
}

export function initialValues(fields: ProviderField[]): FieldValues {
  const values: FieldValues = {};
  for (const field of fields) values[field.name] = isSecretField(field) ? '' : (field.default ?? (field.options?.[0] ?? ''));
  return values;
}

export function fieldProblems(fields: ProviderField[], values: FieldValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    const value = isSecretField(field) ? raw : raw.trim();
    if (value === '') {
      if (field.required) problems[field.name] = `Enter the ${field.label.charAt(0).toLowerCase()}${field.label.slice(1)}.`;
      continue;
    }
    if (field.type === 'url' && !/^https?:\/\/\S+$/i.test(value)) problems[field.name] = `${field.label} must start with https:// (or http://).`;
    else if (field.type === 'number' && !Number.isFinite(Number(value))) problems[field.name] = `${field.label} must be a number.`;
  }
  return problems;
}

/** Secret fields go in `secret`, the others in `settings`; empty optional fields are left out. */
export function fieldsRequest(fields: ProviderField[], values: FieldValues): { secret: Record<string, unknown>; settings: Record<string, unknown> } {
  const secret: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    const value = isSecretField(field) ? raw : raw.trim();
    if (value === '') continue;
    const typed = field.type === 'number' ? Number(value) : value;
    if (isSecretField(field)) secret[field.name] = typed;
    else settings[field.name] = typed;
  }
  return { secret, settings };
}
