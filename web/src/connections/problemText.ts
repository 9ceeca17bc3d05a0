import { ApiError } from '../api/client';

/** What a failed request says to the user: the server's detail (which names the field), or the error's message. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    const detail = error.detail ?? error.title;
    const named = error.problems.map((p) => p.message).filter((m): m is string => typeof m === 'string' && m !== detail);
    return [detail, ...named].join(' ');
  }
  return error instanceof Error ? error.message : String(error);
}
