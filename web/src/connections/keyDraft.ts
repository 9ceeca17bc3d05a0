// The fields of a key-based connection as the form holds them, and the request body they become.
import type { Connection, KeyKind } from './api';

export interface HeaderRow {
  name: string;
  value: string;
}

export interface KeyDraft {
  kind: KeyKind;
  /** apiKey: where the key goes and under which name. */
  placement: 'header' | 'query';
  keyName: string;
  key: string;
  token: string;
  username: string;
  password: string;
  headers: HeaderRow[];
}

export const keyKinds: KeyKind[] = ['apiKey', 'bearer', 'basic', 'headers'];

/** A blank draft; an existing connection's non-secret settings (an API key's header name) are kept. */
export function emptyDraft(kind: KeyKind, connection?: Connection): KeyDraft {
  const settings = connection?.settings ?? {};
  return {
    kind,
    placement: settings.in === 'query' ? 'query' : 'header',
    keyName: typeof settings.name === 'string' ? settings.name : 'X-Api-Key',
    key: '',
    token: '',
    username: '',
    password: '',
    headers: [{ name: '', value: '' }],
  };
}

/** Problems by field name; empty when the draft can be sent. */
export function draftProblems(draft: KeyDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  switch (draft.kind) {
    case 'apiKey':
      if (draft.keyName.trim() === '') problems.keyName = draft.placement === 'header' ? 'Name the header the key goes in.' : 'Name the query parameter the key goes in.';
      if (draft.key === '') problems.key = 'Enter the API key.';
      break;
    case 'bearer':
      if (draft.token === '') problems.token = 'Enter the token.';
      break;
    case 'basic':
      if (draft.username.trim() === '') problems.username = 'Enter the user name.';
      if (draft.password === '') problems.password = 'Enter the password.';
      break;
    case 'headers': {
      const named = draft.headers.filter((h) => h.name.trim() !== '');
      if (named.length === 0) problems.headers = 'Add at least one header with a name.';
      else if (draft.headers.some((h) => h.name.trim() === '' && h.value !== '')) problems.headers = 'Every header with a value needs a name.';
      else if (new Set(named.map((h) => h.name.trim().toLowerCase())).size !== named.length) problems.headers = 'Each header name may appear once.';
      break;
    }
  }
  return problems;
}

/** The secret fields and settings the API takes for this kind (docs/connections.md, "Credential kinds"). */
export function draftRequest(draft: KeyDraft): { secret: Record<string, unknown>; settings?: Record<string, unknown> } {
  switch (draft.kind) {
    case 'apiKey':
      return { secret: { key: draft.key }, settings: { in: draft.placement, name: draft.keyName.trim() } };
    case 'bearer':
      return { secret: { token: draft.token } };
    case 'basic':
      return { secret: { username: draft.username.trim(), password: draft.password } };
    case 'headers': {
      const headers: Record<string, string> = {};
      for (const row of draft.headers) if (row.name.trim() !== '') headers[row.name.trim()] = row.value;
      return { secret: { headers } };
    }
  }
}
