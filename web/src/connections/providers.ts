import type { ConnectionProvider } from './api';

/** The generic OAuth 2.0 provider: its URLs, client id and secret come from the user, not from configuration. */
export function isGeneric(provider: ConnectionProvider): boolean {
  return provider.generic === true || /^generic/i.test(provider.id);
}

/** "a b,c" → ["a", "b", "c"]: scopes separated by spaces or commas. */
export function splitScopes(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}
