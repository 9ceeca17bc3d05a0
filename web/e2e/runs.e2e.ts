import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { nodeCard } from './canvas';
import { createOwner, repoRoot, useServerAndBrowser } from './harness';

interface FlowJson {
  name: string;
  nodes: { id: string; type: string; position: { x: number; y: number }; data: Record<string, unknown> }[];
  edges: { id: string; source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null }[];
}

function fixture(name: string): FlowJson {
  return JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', `${name}.flow.json`), 'utf8')) as FlowJson;
}

/** The approve/reject fixture with a timed wait between the trigger and the condition, so the run is watched while it moves. */
function slowIfFlow(): FlowJson {
  const flow = fixture('if-merge');
  flow.name = 'Approve or reject (slow)';
  for (const node of flow.nodes) if (node.id !== 'trigger') node.position = { ...node.position, x: node.position.x + 240 };
  flow.nodes.push({ id: 'pause', type: 'core.wait', position: { x: 240, y: 150 }, data: { label: 'Think it over', config: { ms: 3000 } } });
  const first = flow.edges.find((e) => e.source === 'trigger')!;
  first.target = 'pause';
  flow.edges.push({ id: 'pause-check', source: 'pause', target: 'check', sourceHandle: null, targetHandle: null });
  return flow;
}

function signalFlow(): FlowJson {
  const flow = fixture('set-and-wait');
  flow.name = 'Wait for approval';
  flow.nodes.find((n) => n.id === 'pause')!.data.config = { until: 'signal' };
  return flow;
}

/** A request from the signed-in page: its session cookie, and the CSRF header unsafe requests need. */
async function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'XSRF-TOKEN')?.value;
  const response = await page.request.fetch(path.startsWith('http') ? path : new URL(path, page.url()).toString(), {
    method,
    headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}) },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function createFlow(page: Page, flow: FlowJson): Promise<string> {
  return (await call<{ id: string }>(page, 'POST', '/api/flows', flow)).id;
}

async function startRun(page: Page, flowId: string, input: unknown): Promise<string> {
  return (await call<{ runId: string }>(page, 'POST', `/api/flows/${flowId}/runs`, { input })).runId;
}

const node = nodeCard;

async function classOf(page: Page, id: string): Promise<string> {
  return (await node(page, id).getAttribute('class')) ?? '';
}

describe('running a flow and watching it', () => {
  const env = useServerAndBrowser();
  let page: Page;

  beforeAll(async () => {
    page = env.browser.page;
    await createOwner(page, env.server.url);
  });

  it('starts a run from the Run dialog and shows nodes turning green and the skipped branch grey, live', async () => {
    const flowId = await createFlow(page, slowIfFlow());
    await page.goto(`${env.server.url}/runs?flowId=${flowId}`);
    await page.getByRole('button', { name: 'Run flow…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run the flow' });
    await dialog.waitFor();
    const editor = dialog.getByRole('textbox', { name: 'Run input (JSON)' });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('{"approved": true, "reviewer": "Ada"');
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await page.keyboard.press('End');
    await page.keyboard.type('}');
    await dialog.getByRole('button', { name: 'Start run' }).click();

    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runUrl = page.url();
    await expect.poll(() => classOf(page, 'pause'), { timeout: 15_000 }).toMatch(/status-(running|waiting)/);
    expect(await classOf(page, 'approve')).toContain('status-pending');
    await page.screenshot({ path: '/tmp/webruns-live.png' });

    // No reload from here on: the hub moves the canvas on.
    await expect.poll(() => classOf(page, 'approve'), { timeout: 30_000 }).toContain('status-succeeded');
    await expect.poll(() => classOf(page, 'reject'), { timeout: 10_000 }).toContain('status-skipped');
    await expect.poll(() => classOf(page, 'merge'), { timeout: 10_000 }).toContain('status-succeeded');
    expect(await classOf(page, 'notify')).toContain('status-skipped');
    expect(page.url()).toBe(runUrl);
    await page.locator('.run-header .status-badge', { hasText: 'Succeeded' }).waitFor({ timeout: 10_000 });

    await node(page, 'approve').click();
    const drawer = page.getByRole('complementary', { name: 'Node approve' });
    await drawer.waitFor();
    await drawer.getByText('"approved"').first().waitFor();
    await drawer.getByText('"Ada"').first().waitFor();
    await page.screenshot({ path: '/tmp/webruns-run.png' });

    await page.reload();
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.waitForURL(/\/runs$/);
    const row = page.locator(`tr[data-run-id="${runUrl.split('/').pop()}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Approve or reject (slow)');
    expect(env.browser.errors).toEqual([]);
  });

  it('lists runs across flows, filters by status and opens a run from the history', async () => {
    const failing = await createFlow(page, { ...fixture('noop-and-error'), name: 'Ship or stop' });
    const failed = await startRun(page, failing, { inStock: false, sku: 'A-1' });
    const shipped = await startRun(page, failing, { inStock: true, sku: 'B-2' });
    await page.goto(`${env.server.url}/runs`);
    await page.locator(`tr[data-run-id="${failed}"]`).waitFor();
    await page.locator(`tr[data-run-id="${shipped}"]`).waitFor();
    await expect.poll(() => page.locator(`tr[data-run-id="${failed}"] .status-badge`).textContent(), { timeout: 15_000 }).toContain('Failed');
    await page.screenshot({ path: '/tmp/webruns-runs.png' });

    await page.getByRole('button', { name: 'Failed', exact: true }).click();
    await page.waitForURL(/status=failed/);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator(`tr[data-run-id="${failed}"]`).count()).toBe(1);
    await page.getByRole('button', { name: 'Cancelled', exact: true }).click();
    await page.getByText('No cancelled runs.').waitFor();

    await page.getByRole('button', { name: 'Failed', exact: true }).click();
    await page.locator(`tr[data-run-id="${failed}"]`).click();
    await page.waitForURL(new RegExp(`/runs/${failed}$`));
    await expect.poll(() => classOf(page, 'stop'), { timeout: 15_000 }).toContain('status-failed');
    expect(env.browser.errors).toEqual([]);
  });

  it('retries a failed run from its failed node', async () => {
    const flowId = await createFlow(page, { ...fixture('noop-and-error'), name: 'Retry me' });
    const runId = await startRun(page, flowId, { inStock: false, sku: 'C-3' });
    await page.goto(`${env.server.url}/runs/${runId}`);
    await expect.poll(() => classOf(page, 'stop'), { timeout: 15_000 }).toContain('status-failed');
    expect(await classOf(page, 'ship')).toContain('status-skipped');

    // The keyboard reaches a node and Enter opens its details, with the error. The run's live updates can draw the node
    // again between the focus and the key, so the two are tried again until the details open.
    const drawer = page.getByRole('complementary', { name: 'Node stop' });
    await expect
      .poll(
        async () => {
          await page.locator('.react-flow__node[data-id="stop"]').focus();
          await page.keyboard.press('Enter');
          return drawer.isVisible();
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await drawer.getByText('C-3 is out of stock').first().waitFor();
    await drawer.getByRole('button', { name: 'Close node details' }).click();
    await drawer.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Retry from failed' }).click();

    await expect.poll(() => page.locator('.run-facts').textContent(), { timeout: 15_000 }).toMatch(/Attempt:?\s*2/);
    await expect.poll(() => classOf(page, 'stop'), { timeout: 15_000 }).toContain('status-failed');
    const run = await call<{ attempt: number; nodes: { nodeId: string; attempts: unknown[] }[] }>(page, 'GET', `/api/runs/${runId}`);
    expect(run.attempt).toBe(2);
    expect(run.nodes.find((n) => n.nodeId === 'checkpoint')!.attempts).toHaveLength(1);
    expect(env.browser.errors).toEqual([]);
  });

  it('signals a node waiting for a signal and the run completes', async () => {
    const flowId = await createFlow(page, signalFlow());
    const runId = await startRun(page, flowId, { name: 'Grace' });
    await page.goto(`${env.server.url}/runs/${runId}`);
    await expect.poll(() => classOf(page, 'pause'), { timeout: 15_000 }).toContain('status-waiting');
    await page.screenshot({ path: '/tmp/webruns-signal.png' });

    await page.getByRole('button', { name: 'Signal pause…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Signal node pause' });
    await dialog.getByRole('textbox', { name: 'Signal body (JSON)' }).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('{"customer": {"name": "Grace"}}');
    await dialog.getByRole('button', { name: 'Send signal' }).click();

    await expect.poll(() => classOf(page, 'summary'), { timeout: 15_000 }).toContain('status-succeeded');
    await page.locator('.run-header .status-badge', { hasText: 'Succeeded' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByRole('button', { name: 'Signal pause…' }).count(), { timeout: 10_000 }).toBe(0);
    expect(env.browser.errors).toEqual([]);
  });

  it('cancels a waiting run, which can then be retried', async () => {
    const flowId = await createFlow(page, { ...signalFlow(), name: 'Cancel me' });
    const runId = await startRun(page, flowId, { name: 'Lin' });
    await page.goto(`${env.server.url}/runs/${runId}`);
    await expect.poll(() => classOf(page, 'pause'), { timeout: 15_000 }).toContain('status-waiting');

    await page.getByRole('button', { name: 'Cancel run' }).click();

    await page.locator('.run-header .status-badge', { hasText: 'Cancelled' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => classOf(page, 'pause'), { timeout: 15_000 }).toContain('status-cancelled');
    await page.getByRole('button', { name: 'Retry from failed' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    expect(env.browser.errors).toEqual([]);
  });

  it('lists the child runs of a forEach node and follows a link into a child run and back to its parent', async () => {
    const body = await createFlow(page, fixture('subflow-line-body'));
    const parent = fixture('foreach-lines');
    parent.nodes.find((n) => n.id === 'lines')!.data.config = { items: '{{ input.lines }}', flowId: body, concurrency: 2 };
    const flowId = await createFlow(page, parent);
    const lines = [
      { sku: 'A-1', quantity: 2 },
      { sku: 'B-2', quantity: 1 },
      { sku: 'C-3', quantity: 5 },
    ];
    const runId = await startRun(page, flowId, { lines });
    await page.goto(`${env.server.url}/runs/${runId}`);
    await expect.poll(() => classOf(page, 'summary'), { timeout: 30_000 }).toContain('status-succeeded');

    const related = page.getByRole('navigation', { name: 'Related runs' });
    await expect.poll(() => related.locator('a.child-run').count(), { timeout: 15_000 }).toBe(3);
    const children = await call<{ items: { id: string; itemIndex: number | null }[] }>(page, 'GET', `/api/runs/${runId}/children`);
    const third = children.items.find((c) => c.itemIndex === 2)!;
    const link = related.locator(`a.child-run[href="/runs/${third.id}"]`);
    expect(await link.textContent()).toContain('lines #2');

    await link.click();
    await page.waitForURL(new RegExp(`/runs/${third.id}$`));
    await expect.poll(() => classOf(page, 'line'), { timeout: 15_000 }).toContain('status-succeeded');
    await page.getByRole('heading', { name: /Order line \(sub-flow body\)/ }).waitFor();
    await node(page, 'line').click();
    await page.getByRole('complementary', { name: 'Node line' }).getByText('"2: 5 x C-3"').first().waitFor();

    const back = page.getByRole('navigation', { name: 'Related runs' }).getByRole('link', { name: `run ${runId.slice(0, 8)}` });
    expect(await page.getByRole('navigation', { name: 'Related runs' }).textContent()).toContain('at node lines, item 2');
    await back.click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await expect.poll(() => classOf(page, 'summary'), { timeout: 15_000 }).toContain('status-succeeded');
    expect(env.browser.errors).toEqual([]);
  });
});
