// One fetch wrapper for the whole app: same-origin cookie session, the CSRF header on unsafe requests,
// and problem+json answers turned into ApiError (with the field or node a problem names).

export interface ProblemItem {
  nodeId?: string;
  edgeId?: string;
  field?: string;
  message?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly field?: string;
  readonly problems: ProblemItem[];
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    const problem = (body ?? {}) as Record<string, unknown>;
    const title = typeof problem.title === 'string' ? problem.title : `Request failed (${status})`;
    const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    super(detail ?? title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.field = typeof problem.field === 'string' ? problem.field : undefined;
    this.problems = Array.isArray(problem.problems)
      ? (problem.problems as ProblemItem[])
      : Array.isArray(problem.errors)
        ? (problem.errors as ProblemItem[])
        : [];
    this.body = body;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The double-submit CSRF token the server sets in a readable cookie. */
export function csrfToken(): string | undefined {
  const match = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
  return match ? decodeURIComponent(match.slice('XSRF-TOKEN='.length)) : undefined;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  if (unsafeMethods.has(method)) {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed as T;
}
