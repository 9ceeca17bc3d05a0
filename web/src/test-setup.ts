import { afterAll, afterEach, vi } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// findBy… and waitFor give up after this long. The default second is short for a busy two-core machine, where a
// render that takes milliseconds alone can take seconds; a test that waits for something that never comes still fails.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => cleanup());

// Most test files share a worker and its jsdom window (isolate: false in vite.config.ts): what a file left behind on the
// window is undone before the next file starts, as a fresh window would have it.
afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  localStorage.clear();
  sessionStorage.clear();
  for (const cookie of document.cookie.split('; ').filter(Boolean)) {
    document.cookie = `${cookie.split('=')[0]}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
  document.body.replaceChildren();
  window.history.replaceState(null, '', '/');
});
