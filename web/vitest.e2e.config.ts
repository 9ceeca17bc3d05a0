import { defineConfig } from 'vitest/config';

// End-to-end tests: a real `flowforge serve` on 127.0.0.1 driven through Debian's Chromium (playwright-core).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    // The files run one after another in one worker that loads playwright-core and the harness once; each file starts
    // its own server and browser context, and keeps nothing in module state.
    isolate: false,
    globalSetup: ['e2e/global-setup.ts'],
  },
});
