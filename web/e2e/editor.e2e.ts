import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwner, openBrowser, screenshotsDir, startServer, type Browser, type RunningServer } from './harness';

// The flow editor against a real server: nodes dragged from the palette, handles connected with the mouse.

/** Signs in through the setup page; a server without the session endpoints gets a bearer token instead. */
async function signIn(browser: Browser, url: string) {
  const setup = await fetch(`${url}/api/setup`);
  if (setup.ok) {
    await createOwner(browser.page, url);
    return;
  }
  const credentials = { email: 'owner@example.com', password: 'a long enough password 1' };
  const post = (path: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credentials) });
  expect((await post('/api/auth/register')).status).toBe(201);
  const { token } = (await (await post('/api/auth/token')).json()) as { token: string };
  await browser.context.setExtraHTTPHeaders({ Authorization: `Bearer ${token}` });
  await browser.context.route('**/api/setup', (r) => r.fulfill({ json: { needsOwner: false } }));
  await browser.context.route('**/api/session', (r) => r.fulfill({ json: { id: 'owner', email: credentials.email, isOwner: true } }));
}

/** A JSON request made by the page itself (its cookies or token, and the CSRF header). */
function pageApi<T>(page: Page, path: string, method = 'GET', body?: unknown): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ path, method, body }) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='))?.slice('XSRF-TOKEN='.length);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf);
      const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, json: await response.json().catch(() => null) };
    },
    { path, method, body },
  ) as Promise<{ status: number; json: T }>;
}

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const handle = (page: Page, id: string, kind: 'source' | 'target', port = 'main') =>
  page.locator(`.react-flow__node[data-id="${id}"] .react-flow__handle.${kind}[data-handleid="${port}"]`);

/** Drags a palette item onto the canvas at (x, y) relative to the canvas' top-left corner (a real HTML5 drag). */
async function dragFromPalette(page: Page, typeId: string, x: number, y: number) {
  await page.locator(`.editor-palette-item[data-type-id="${typeId}"]`).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** Presses on an output handle, moves to an input handle and releases: the way a user draws an edge. */
async function connect(page: Page, from: string, port: string, to: string) {
  const source = (await handle(page, from, 'source', port).boundingBox())!;
  const target = (await handle(page, to, 'target').boundingBox())!;
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(source.x + 40, source.y + 10, { steps: 5 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
  await page.mouse.up();
}

const edgeCount = (page: Page) => page.locator('.react-flow__edge').count();
const nodeCount = (page: Page) => page.locator('.react-flow__node').count();

describe('the flow editor', () => {
  let server: RunningServer;
  let browser: Browser;
  let flowId: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await openBrowser();
    await signIn(browser, server.url);
    await browser.page.goto(`${server.url}/flows`);
    const created = await pageApi<{ id: string }>(browser.page, '/api/flows', 'POST', {
      name: 'Order follow-up',
      nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 100 }, data: { label: 'Start' } }],
      edges: [],
      viewport: { x: 20, y: 60, zoom: 0.7 },
    });
    expect(created.status).toBe(201);
    flowId = created.json.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('builds trigger → set → if → two branches by dragging and connecting, deletes and undoes, saves and reloads', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/flows/${flowId}`);
    await node(page, 'trigger').waitFor({ timeout: 20_000 });

    // The stored viewport (zoom 0.7) puts the trigger at the top left; nodes go right of it, clear of the minimap.
    await dragFromPalette(page, 'core.set', 250, 150);
    await node(page, 'set-1').waitFor();
    await dragFromPalette(page, 'core.if', 430, 150);
    await node(page, 'if-1').waitFor();
    await dragFromPalette(page, 'core.set', 610, 70);
    await node(page, 'set-2').waitFor();
    await dragFromPalette(page, 'core.set', 610, 270);
    await node(page, 'set-3').waitFor();

    await connect(page, 'trigger', 'main', 'set-1');
    await connect(page, 'set-1', 'main', 'if-1');
    await connect(page, 'if-1', 'true', 'set-2');
    await connect(page, 'if-1', 'false', 'set-3');
    await expect.poll(() => edgeCount(page)).toBe(4);
    await page.getByText('Unsaved changes').waitFor();
    await page.screenshot({ path: '/tmp/webeditor-built.png' });

    // A connection to the same node is refused.
    await connect(page, 'set-2', 'main', 'set-2');
    expect(await edgeCount(page)).toBe(4);

    // Select with a click, delete with the keyboard, bring it back with Ctrl+Z.
    await node(page, 'set-3').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(4);
    expect(await edgeCount(page)).toBe(3);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(5);
    await expect.poll(() => edgeCount(page)).toBe(4);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved as version 2.').waitFor();
    expect(await page.getByText('Unsaved changes').count()).toBe(0);

    const saved = await pageApi<{ definition: { nodes: { id: string; type: string }[]; edges: { source: string; target: string; sourceHandle?: string }[] } }>(
      page,
      `/api/flows/${flowId}`,
    );
    expect(saved.json.definition.nodes.map((n) => `${n.id}:${n.type}`).sort()).toEqual(
      ['if-1:core.if', 'set-1:core.set', 'set-2:core.set', 'set-3:core.set', 'trigger:trigger.manual'].sort(),
    );
    expect(saved.json.definition.edges.map((e) => `${e.source}.${e.sourceHandle ?? 'main'}>${e.target}`).sort()).toEqual(
      ['if-1.false>set-3', 'if-1.true>set-2', 'set-1.main>if-1', 'trigger.main>set-1'].sort(),
    );

    await page.reload();
    await node(page, 'set-3').waitFor({ timeout: 20_000 });
    expect(await nodeCount(page)).toBe(5);
    expect(await edgeCount(page)).toBe(4);
    expect(browser.errors).toEqual([]);
  });

  it('shows a server validation problem on the node it names, and selecting it opens that node', async () => {
    const { page } = browser;
    await dragFromPalette(page, 'http.request', 430, 330);
    await node(page, 'request-1').waitFor();
    await connect(page, 'set-3', 'main', 'request-1');
    await expect.poll(() => edgeCount(page)).toBe(5);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const problems = page.getByRole('alert', { name: 'Problems' });
    await problems.waitFor();
    await expect.poll(() => node(page, 'request-1').locator('.node-card.has-problems').count()).toBe(1);
    expect(await page.locator('.node-card.has-problems').count()).toBe(1);
    expect(await page.getByText('Unsaved changes').count()).toBe(1);

    await problems.getByRole('button', { name: /request-1/ }).click();
    await page.getByRole('complementary', { name: 'Settings of request-1' }).waitFor();
    await page.screenshot({ path: '/tmp/webeditor-problem.png' });
    // The browser itself logs the refused save (a 400); nothing else may appear.
    expect(browser.errors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
    browser.errors.length = 0;
  });

  it('lays the nodes out left to right and keeps unsaved changes from being left by accident', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Dismiss the problems' }).click();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    const x = async (id: string) => (await node(page, id).boundingBox())!.x;
    await expect.poll(async () => (await x('trigger')) < (await x('set-1')) && (await x('set-1')) < (await x('if-1'))).toBe(true);
    expect(await x('set-2')).toBeGreaterThan(await x('if-1'));
    expect(await x('request-1')).toBeGreaterThan(await x('set-3'));

    await page.getByRole('link', { name: 'Runs' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Unsaved changes' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay and keep editing' }).click();
    expect(page.url()).toContain(`/flows/${flowId}`);

    // The side panel edits the selected node; the card follows.
    await node(page, 'set-2').click();
    await page.getByRole('complementary', { name: 'Settings of set-2' }).getByLabel('Label').fill('Mark approved');
    await expect.poll(() => node(page, 'set-2').locator('.node-card-title').textContent()).toBe('Mark approved');
    await node(page, 'set-3').click();
    await page.getByRole('complementary', { name: 'Settings of set-3' }).getByLabel('Label').fill('Mark rejected');
    await node(page, 'if-1').click();
    await page.getByRole('complementary', { name: 'Settings of if-1' }).getByLabel('Label').fill('Approved?');
    await expect.poll(() => node(page, 'if-1').locator('.node-card-title').textContent()).toBe('Approved?');
    await page.screenshot({ path: '/tmp/webeditor-editor.png' });
    mkdirSync(screenshotsDir, { recursive: true });
    copyFileSync('/tmp/webeditor-editor.png', join(screenshotsDir, 'editor.png'));
    expect(browser.errors).toEqual([]);
  });

  it('adds a node from the keyboard, copies and pastes it, and restores an older version', async () => {
    const { page } = browser;
    const before = await nodeCount(page);

    await page.locator('.editor-palette-item[data-type-id="core.noop"]').focus();
    await page.keyboard.press('Enter');
    await node(page, 'noop-1').waitFor();
    expect(await nodeCount(page)).toBe(before + 1);

    await node(page, 'noop-1').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await node(page, 'noop-2').waitFor();
    expect(await nodeCount(page)).toBe(before + 2);

    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('dialog', { name: 'Version history' });
    await versions.getByText('Version 2').waitFor();
    await versions.getByRole('button', { name: 'Restore version 1' }).click();
    await expect.poll(() => nodeCount(page)).toBe(1);
    await page.getByText('Version 1 is on the canvas.', { exact: false }).waitFor();
    expect(await page.getByText('Unsaved changes').count()).toBe(1);

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => nodeCount(page)).toBe(before + 2);
    expect(browser.errors).toEqual([]);
  });

  it('shows the webhook URL with a Copy button and activates and deactivates the flow', async () => {
    const { page } = browser;
    const created = await pageApi<{ id: string }>(page, '/api/flows', 'POST', {
      name: 'Incoming orders',
      nodes: [
        { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { label: 'Order received' } },
        { id: 'done', type: 'core.noop', position: { x: 260, y: 0 }, data: { label: 'Done' } },
      ],
      edges: [{ id: 'e', source: 'hook', target: 'done' }],
    });
    expect(created.status).toBe(201);
    await page.goto(`${server.url}/flows/${created.json.id}`);

    const webhooks = page.getByRole('region', { name: 'Webhook URLs' });
    await webhooks.waitFor({ timeout: 20_000 });
    expect(await webhooks.locator('input').inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/.+/);
    await webhooks.getByRole('button', { name: 'Copy the URL of hook' }).waitFor();

    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('button', { name: 'Deactivate' }).waitFor();
    expect((await pageApi<{ active: boolean }>(page, `/api/flows/${created.json.id}`)).json.active).toBe(true);
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('button', { name: 'Activate' }).waitFor();
    expect((await pageApi<{ active: boolean }>(page, `/api/flows/${created.json.id}`)).json.active).toBe(false);
    expect(browser.errors).toEqual([]);
  });
});
