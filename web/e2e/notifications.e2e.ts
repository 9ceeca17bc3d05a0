import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createOwner, docsScreenshot, openBrowser, startServer, type Browser, type RunningServer } from './harness';

/** A request from the signed-in page: its session cookie, and the CSRF header unsafe requests need. */
async function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'XSRF-TOKEN')?.value;
  const response = await page.request.fetch(new URL(path, page.url()).toString(), {
    method,
    headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}) },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

const failingFlow = {
  name: 'Nightly stock import',
  nodes: [
    { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { label: 'Start' } },
    { id: 'stop', type: 'core.error', position: { x: 260, y: 0 }, data: { label: 'Supplier down', config: { message: 'The supplier feed answered 503' } } },
  ],
  edges: [{ id: 'trigger-stop', source: 'trigger', target: 'stop' }],
};

describe('failure notifications', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('turns on "Notify me" in the editor, and a failing run raises the bell live, linking to the run', async () => {
    const page = browser.page;
    await createOwner(page, server.url);
    const flowId = (await call<{ id: string }>(page, 'POST', '/api/flows', failingFlow)).id;

    await page.goto(`${server.url}/flows/${flowId}`);
    await page.getByRole('button', { name: 'Notify me' }).click();
    await page.getByRole('checkbox', { name: /In the app/ }).check();
    await page.getByRole('button', { name: 'Notifying me' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Notifying me' }).click();
    expect(await page.getByTestId('bell-count').count()).toBe(0);

    // Started from outside the page: only the live hub can tell the page.
    const runId = (await call<{ runId: string }>(page, 'POST', `/api/flows/${flowId}/runs`, { input: {} })).runId;
    await page.getByTestId('bell-count').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('bell-count').textContent()).toBe('1');

    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    const item = page.getByRole('link', { name: /Nightly stock import failed/ });
    await item.waitFor();
    expect(await item.getAttribute('href')).toBe(`/runs/${runId}`);
    expect(await item.textContent()).toContain('The supplier feed answered 503');
    await docsScreenshot(page, 'notifications-bell.png');

    await item.click();
    await page.waitForURL(`${server.url}/runs/${runId}`);
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    expect(await page.getByTestId('bell-count').count()).toBe(0);

    await page.goto(`${server.url}/settings`);
    await page.getByRole('heading', { name: 'Failure emails' }).waitFor();
    await page.screenshot({ path: '/tmp/notify-settings.png' });

    expect(browser.errors).toEqual([]);
  });
});
