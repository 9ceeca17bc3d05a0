import { beforeAll, describe, expect, it } from 'vitest';
import { canvasNode, connect, dragFromPalette, edgeCount, nodeCount } from './canvas';
import { createOwner, pageApi, useServerAndBrowser } from './harness';

// The flow editor against a real server: nodes dragged from the palette, handles connected with the mouse.

const node = canvasNode;

describe('the flow editor', () => {
  const env = useServerAndBrowser();
  let flowId: string;

  beforeAll(async () => {
    await createOwner(env.browser.page, env.server.url);
    const created = await pageApi<{ id: string }>(env.browser.page, 'POST', '/api/flows', {
      name: 'Order follow-up',
      nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 100 }, data: { label: 'Start' } }],
      edges: [],
      viewport: { x: 20, y: 60, zoom: 0.7 },
    });
    expect(created.status).toBe(201);
    flowId = created.body.id;
  });

  it('builds trigger → set → if → two branches by dragging and connecting, deletes and undoes, saves and reloads', async () => {
    const { page } = env.browser;
    await page.goto(`${env.server.url}/flows/${flowId}`);
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
      'GET',
      `/api/flows/${flowId}`,
    );
    expect(saved.body.definition.nodes.map((n) => `${n.id}:${n.type}`).sort()).toEqual(
      ['if-1:core.if', 'set-1:core.set', 'set-2:core.set', 'set-3:core.set', 'trigger:trigger.manual'].sort(),
    );
    expect(saved.body.definition.edges.map((e) => `${e.source}.${e.sourceHandle ?? 'main'}>${e.target}`).sort()).toEqual(
      ['if-1.false>set-3', 'if-1.true>set-2', 'set-1.main>if-1', 'trigger.main>set-1'].sort(),
    );

    await page.reload();
    await node(page, 'set-3').waitFor({ timeout: 20_000 });
    expect(await nodeCount(page)).toBe(5);
    expect(await edgeCount(page)).toBe(4);
    expect(env.browser.errors).toEqual([]);
  });

  it('shows a server validation problem on the node it names, and selecting it opens that node', async () => {
    const { page } = env.browser;
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
    expect(env.browser.errors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
    env.browser.errors.length = 0;
  });

  it('lays the nodes out left to right and keeps unsaved changes from being left by accident', async () => {
    const { page } = env.browser;
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
    expect(env.browser.errors).toEqual([]);
  });

  it('adds a node from the keyboard, copies and pastes it, and restores an older version', async () => {
    const { page } = env.browser;
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
    expect(env.browser.errors).toEqual([]);
  });

  it('shows the webhook URL with a Copy button and activates and deactivates the flow', async () => {
    const { page } = env.browser;
    const created = await pageApi<{ id: string }>(page, 'POST', '/api/flows', {
      name: 'Incoming orders',
      nodes: [
        { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { label: 'Order received' } },
        { id: 'done', type: 'core.noop', position: { x: 260, y: 0 }, data: { label: 'Done' } },
      ],
      edges: [{ id: 'e', source: 'hook', target: 'done' }],
    });
    expect(created.status).toBe(201);
    await page.goto(`${env.server.url}/flows/${created.body.id}`);

    const webhooks = page.getByRole('region', { name: 'Webhook URLs' });
    await webhooks.waitFor({ timeout: 20_000 });
    expect(await webhooks.locator('input').inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/.+/);
    await webhooks.getByRole('button', { name: 'Copy the URL of hook' }).waitFor();

    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();
    expect((await pageApi<{ active: boolean }>(page, 'GET', `/api/flows/${created.body.id}`)).body.active).toBe(true);
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await pageApi<{ active: boolean }>(page, 'GET', `/api/flows/${created.body.id}`)).body.active).toBe(false);
    expect(env.browser.errors).toEqual([]);
  });
});
