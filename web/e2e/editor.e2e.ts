import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { canvasHandle, canvasNode, connect, dragFromPalette, edgeCount, nodeCount } from './canvas';
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
    const copy = webhooks.getByRole('button', { name: 'Copy the URL of hook' });
    await env.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await webhooks.locator('input').inputValue());

    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();
    expect((await pageApi<{ active: boolean }>(page, 'GET', `/api/flows/${created.body.id}`)).body.active).toBe(true);
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await pageApi<{ active: boolean }>(page, 'GET', `/api/flows/${created.body.id}`)).body.active).toBe(false);
    expect(env.browser.errors).toEqual([]);
  });

  it('moves, box-selects, redoes, zooms and fits, and is worked from the keyboard', async () => {
    const { page } = env.browser;
    const created = await pageApi<{ id: string }>(page, 'POST', '/api/flows', {
      name: 'Canvas work',
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 100 }, data: { label: 'Start' } },
        { id: 'a', type: 'core.noop', position: { x: 260, y: 100 }, data: { label: 'A' } },
        { id: 'b', type: 'core.noop', position: { x: 600, y: 0 }, data: { label: 'B' } },
        { id: 'c', type: 'core.noop', position: { x: 600, y: 200 }, data: { label: 'C' } },
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'a' },
        { id: 'e2', source: 'a', target: 'b' },
        { id: 'e3', source: 'a', target: 'c' },
      ],
      viewport: { x: 40, y: 80, zoom: 1 },
    });
    expect(created.status).toBe(201);
    const flowId = created.body.id;
    await page.goto(`${env.server.url}/flows/${flowId}`);
    await node(page, 'c').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('link', { name: 'Run history', exact: true }).getAttribute('href')).toBe(`/runs?flowId=${flowId}`);
    const boxOf = async (id: string) => (await node(page, id).boundingBox())!;
    const pane = page.locator('.react-flow__pane');
    const clickEmptyPane = async () => {
      const box = (await pane.boundingBox())!;
      await page.mouse.click(box.x + 12, box.y + 12);
    };

    // Move a node with the mouse; Ctrl+Z puts it back, Ctrl+Shift+Z moves it again.
    const start = await boxOf('b');
    await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page.mouse.down();
    await page.mouse.move(start.x + start.width / 2 + 60, start.y + start.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    // React Flow starts the drag once the pointer has left the press by a step, so the node follows by a little less.
    await expect.poll(async () => (await boxOf('b')).x - start.x).toBeGreaterThan(40);
    await page.getByText('Unsaved changes').waitFor();
    const moved = await boxOf('b');
    const dx = Math.round(moved.x - start.x);
    const dy = Math.round(moved.y - start.y);
    expect(dy).toBeGreaterThan(20);
    await clickEmptyPane();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Math.round((await boxOf('b')).x - start.x)).toBe(0);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => Math.round((await boxOf('b')).x - start.x)).toBe(dx);
    expect(Math.round((await boxOf('b')).y - start.y)).toBe(dy);

    // Shift-drag a box around b and c: both are selected, Delete removes them with their edges, Ctrl+Z brings them back.
    await clickEmptyPane();
    const b = await boxOf('b');
    const c = await boxOf('c');
    await page.keyboard.down('Shift');
    await page.mouse.move(Math.min(b.x, c.x) - 20, b.y - 20);
    await page.mouse.down();
    await page.mouse.move(Math.max(b.x + b.width, c.x + c.width) + 20, c.y + c.height + 20, { steps: 10 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    expect(await page.locator('.react-flow__node.selected[data-id="a"]').count()).toBe(0);
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(2);
    expect(await edgeCount(page)).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(4);
    await expect.poll(() => edgeCount(page)).toBe(3);

    // An error port drawn while onError is "continue" takes its edge with it when onError goes back to "fail".
    await node(page, 'a').click();
    const panel = page.getByRole('complementary', { name: 'Settings of a' });
    await panel.getByText('Retry, timeout and errors').click();
    await panel.getByLabel('On error').selectOption('continue');
    await canvasHandle(page, 'a', 'source', 'error').waitFor();
    await connect(page, 'a', 'error', 'c');
    await expect.poll(() => edgeCount(page)).toBe(4);
    await panel.getByLabel('On error').selectOption('fail');
    await expect.poll(() => edgeCount(page)).toBe(3);
    await page.getByText('Removed the connections from port “error” of a', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved as version 2.').waitFor();
    const saved = await pageApi<{ definition: { nodes: { id: string; position: { x: number; y: number } }[]; edges: { id: string }[] } }>(
      page,
      'GET',
      `/api/flows/${flowId}`,
    );
    expect(saved.body.definition.nodes.find((n) => n.id === 'b')!.position).toEqual({ x: 600 + dx, y: dy });
    expect(saved.body.definition.edges.map((e) => e.id).sort()).toEqual(['e1', 'e2', 'e3']);

    // Zoom in with the controls until part of the flow is out of view, then fit it back; the minimap shows every node.
    await clickEmptyPane();
    const scale = () => page.locator('.react-flow__viewport').evaluate((e) => new DOMMatrix(getComputedStyle(e).transform).a);
    const allInView = async () => {
      const view = (await pane.boundingBox())!;
      const boxes = await Promise.all(['trigger', 'a', 'b', 'c'].map(boxOf));
      return boxes.every((n) => n.x >= view.x && n.y >= view.y && n.x + n.width <= view.x + view.width && n.y + n.height <= view.y + view.height);
    };
    const before = await scale();
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
    await expect.poll(scale).toBeGreaterThan(before * 1.5);
    expect(await allInView()).toBe(false);
    await page.getByRole('button', { name: 'Fit View' }).click();
    await expect.poll(allInView).toBe(true);
    await page.getByRole('img', { name: 'Overview of the flow' }).waitFor();
    expect(await page.locator('.react-flow__minimap-node').count()).toBe(4);

    // Without the mouse: Tab reaches the palette's search, then the one item it leaves, and Enter adds that type; Tab
    // goes on to the nodes (a focus ring shows where), Enter opens a node's settings and Tab reaches them.
    const focused = (page: Page) =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        return {
          tag: e?.tagName ?? '',
          type: e?.getAttribute('type') ?? '',
          id: e?.closest('.react-flow__node')?.getAttribute('data-id') ?? '',
          node: !!e?.classList.contains('react-flow__node'),
          label: e?.getAttribute('aria-label') ?? '',
          inPanel: e?.closest('[aria-label^="Settings of"]')?.getAttribute('aria-label') ?? '',
          ring: e ? getComputedStyle(e).boxShadow : 'none',
        };
      });
    const tabUntil = async (reached: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let i = 0; i < 80; i++) {
        const now = await focused(page);
        if (reached(now)) return now;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab did not get there; focus is on ${JSON.stringify(await focused(page))}`);
    };
    await page.getByRole('textbox', { name: 'Flow name' }).focus();
    await tabUntil((f) => f.tag === 'INPUT' && f.type === 'search');
    await page.keyboard.type('no operation');
    await page.keyboard.press('Tab');
    const item = await focused(page);
    expect(item.label).toBe('Add No Operation');
    expect(item.ring).not.toBe('none');
    await page.keyboard.press('Enter');
    await node(page, 'noop-1').waitFor();

    const a = await tabUntil((f) => f.node && f.id === 'a');
    expect(a.ring).not.toBe('none');
    await page.keyboard.press('Enter');
    await panel.waitFor();
    const label = await tabUntil((f) => f.inPanel === 'Settings of a' && f.tag === 'INPUT');
    expect(label.ring).not.toBe('none');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Keyboard');
    await expect.poll(() => node(page, 'a').locator('.node-card-title').textContent()).toBe('Keyboard');

    // Closing or reloading the tab with unsaved changes asks first.
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    expect(page.isClosed()).toBe(false);
    expect(env.browser.errors).toEqual([]);
  });
});
