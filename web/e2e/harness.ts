import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const chromiumPath = process.env.FLOWFORGE_CHROMIUM ?? '/usr/bin/chromium';

export interface RunningServer {
  url: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a real `flowforge serve` on 127.0.0.1 with a fresh data folder and waits until it is ready. */
export async function startServer(extraArgs: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'flowforge-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    `${repoRoot}/flowforge`,
    ['serve', '--urls', url, '--data', join(dataDir, 'data'), '--log-format', 'json', ...extraArgs],
    { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          done();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`flowforge serve exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return { url, dataDir, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`flowforge serve was not ready within 120 s:\n${output}`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  close: () => Promise<void>;
}

/** How Debian's Chromium is started: headless, with no background networking. */
export const chromiumOptions = {
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

/**
 * A fresh browser context (its own cookies, storage and permissions) in the Chromium that the global setup started once
 * for every file: starting and stopping Chromium for each file took seconds each time.
 */
export async function openBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const browser = await chromium.connect(inject('chromiumEndpoint'));
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(`page error: ${e.error().message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      // Of a connected browser: disconnects, and leaves Chromium running for the next file.
      await browser.close();
    },
  };
}

/** Where screenshots for the docs go. */
export const screenshotsDir = join(repoRoot, 'docs', 'screenshots');

/** Screenshots for the docs are retaken only when FLOWFORGE_SCREENSHOTS=1, so that test runs leave tracked files alone. */
export const takeDocsScreenshots = process.env.FLOWFORGE_SCREENSHOTS === '1';

/** Saves the page as docs/screenshots/<name> when FLOWFORGE_SCREENSHOTS=1, and always as /tmp/flowforge-e2e-<name> to look at. */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(tmpdir(), `flowforge-e2e-${name}`) });
  if (!takeDocsScreenshots) return;
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, name) });
}

/** A server and a browser for the tests of one file: started before them, closed after them. */
export function useServerAndBrowser(serverArgs: string[] = []): { server: RunningServer; browser: Browser } {
  const shared = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    shared.server = await startServer(serverArgs);
    shared.browser = await openBrowser();
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}

/** A JSON request made by the signed-in page itself: its session cookie and the CSRF header unsafe requests need. */
export function pageApi<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='))?.slice('XSRF-TOKEN='.length);
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  ) as Promise<{ status: number; body: T }>;
}

/** Creates the owner account through the setup page of a fresh server; the page is then signed in. */
export async function createOwner(page: Page, url: string, email = 'owner@example.com', password = 'correct horse battery staple'): Promise<{ email: string; password: string }> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Create the owner account' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 });
  return { email, password };
}

/** Signs in through the sign-in page (opening the app first unless it shows that page already); the page then shows the app. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  const heading = page.getByRole('heading', { name: 'Sign in to FlowForge' });
  if (!(await heading.isVisible())) await page.goto(url);
  await heading.waitFor({ timeout: 30_000 });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 });
}
