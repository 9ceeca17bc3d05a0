import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { chromiumOptions, repoRoot } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the tests connect to the Chromium started here (see openBrowser). */
    chromiumEndpoint: string;
  }
}

// Builds the server and the web app once, so that each test's `flowforge serve` starts without building, and starts
// Chromium once, in which each test file opens a context of its own.
export default async function setup(project: TestProject) {
  execFileSync(`${repoRoot}/flowforge`, ['serve', '--help'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
  const chromiumServer = await chromium.launchServer(chromiumOptions);
  project.provide('chromiumEndpoint', chromiumServer.wsEndpoint());
  return async () => {
    await chromiumServer.close();
  };
}
