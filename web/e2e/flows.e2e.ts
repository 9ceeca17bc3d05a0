import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createOwner, docsScreenshot, pageApi, repoRoot, signIn, useServerAndBrowser } from './harness';

const fixture = (name: string) => join(repoRoot, 'tests', 'fixtures', `${name}.flow.json`);

function rowOf(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

describe('the flows list and the API tokens page', () => {
  const env = useServerAndBrowser();

  it('imports, lists, duplicates, exports, searches and deletes flows', async () => {
    const { page } = env.browser;
    await createOwner(page, env.server.url);
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await page.getByText('No flows yet — create one or import a flow file').waitFor();

    await page.getByTestId('import-file').setInputFiles(fixture('diamond'));
    const diamond = rowOf(page, 'Diamond');
    await diamond.waitFor();
    expect(await diamond.getByRole('listitem').allTextContents()).toEqual(['Manual']);
    expect(await diamond.getByText('Never run').count()).toBe(1);

    await page.getByRole('button', { name: 'Duplicate Diamond', exact: true }).click();
    await rowOf(page, 'Diamond (copy)').waitFor();

    const listed = await pageApi<{ items: { id: string; name: string }[] }>(page, 'GET', '/api/flows');
    const diamondId = listed.body.items.find((f) => f.name === 'Diamond')!.id;
    const stored = await pageApi<{ definition: { nodes: unknown[] } }>(page, 'GET', `/api/flows/${diamondId}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Diamond', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('Diamond.flow.json');
    // Saved from the shared Chromium into this file's data folder (a connected browser's download has no local path).
    const saved = join(env.server.dataDir, 'Diamond.flow.json');
    await download.saveAs(saved);
    const exported = JSON.parse(readFileSync(saved, 'utf8')) as { name: string; nodes: unknown[] };
    expect(exported.nodes).toEqual(stored.body.definition.nodes);
    expect(exported.name).toBe('Diamond');

    await page.getByRole('searchbox', { name: 'Search flows by name' }).fill('COPY');
    await expect.poll(() => page.getByRole('link', { name: 'Diamond', exact: true }).count(), { timeout: 10_000 }).toBe(0);
    await page.getByRole('link', { name: 'Diamond (copy)', exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Search flows by name' }).fill('');
    await rowOf(page, 'Diamond').waitFor();

    await page.getByRole('button', { name: 'Delete Diamond (copy)', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete “Diamond (copy)”?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await rowOf(page, 'Diamond (copy)').count()).toBe(1);

    await page.getByRole('button', { name: 'Delete Diamond (copy)', exact: true }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await rowOf(page, 'Diamond (copy)').waitFor({ state: 'detached' });
    const after = await pageApi<{ items: { name: string }[] }>(page, 'GET', '/api/flows');
    expect(after.body.items.map((f) => f.name)).toEqual(['Diamond']);

    expect(env.browser.errors).toEqual([]);
  });

  it('creates an API token that works as a bearer token until it is revoked', async () => {
    const { page } = env.browser;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByText('No API tokens yet').waitFor();

    await page.getByRole('textbox', { name: 'Name' }).fill('nightly export');
    await page.getByRole('combobox', { name: 'Expires after' }).selectOption({ label: '90 days' });
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretBox = page.getByRole('textbox', { name: 'New API token' });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await page.getByRole('cell', { name: 'nightly export', exact: true }).waitFor();
    await page.screenshot({ path: '/tmp/webflows-tokens-secret.png' });

    const withToken = () => fetch(`${env.server.url}/api/flows`, { headers: { Authorization: `Bearer ${secret}` } });
    const allowed = await withToken();
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { items: { name: string }[] }).items.map((f) => f.name)).toEqual(['Diamond']);

    await page.reload();
    await page.getByRole('cell', { name: 'nightly export', exact: true }).waitFor();
    expect(await page.getByRole('textbox', { name: 'New API token' }).count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await docsScreenshot(page, 'tokens.png');

    await page.getByRole('button', { name: 'Revoke nightly export' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Revoke “nightly export”?' });
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('No API tokens yet').waitFor();

    expect((await withToken()).status).toBe(401);
    expect(env.browser.errors).toEqual([]);
  });

  it('shows flows with different last runs', async () => {
    const { page } = env.browser;
    const create = async (document: unknown) => {
      const created = await pageApi<{ id: string }>(page, 'POST', '/api/flows', document);
      expect(created.status).toBe(201);
      return created.body.id;
    };
    const run = async (flowId: string, input: unknown) => {
      const started = await pageApi<{ runId: string }>(page, 'POST', `/api/flows/${flowId}/runs`, { input });
      expect(started.status).toBe(202);
      return started.body.runId;
    };
    const finished = (runId: string, status: string) =>
      expect
        .poll(async () => (await pageApi<{ status: string }>(page, 'GET', `/api/runs/${runId}`)).body.status, { timeout: 30_000 })
        .toBe(status);

    const hook = await create({
      name: 'Order webhook',
      nodes: [
        { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { label: 'Order placed', config: { respond: 'immediately' } } },
        { id: 'next', type: 'core.noop', position: { x: 240, y: 0 }, data: { label: 'Next' } },
      ],
      edges: [{ id: 'e', source: 'hook', target: 'next' }],
    });
    expect((await pageApi(page, 'POST', `/api/flows/${hook}/activate`)).status).toBe(200);
    const waiting = await create({
      name: 'Approval reminder',
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { label: 'Start' } },
        { id: 'wait', type: 'core.wait', position: { x: 240, y: 0 }, data: { label: 'Wait an hour', config: { ms: 3_600_000 } } },
      ],
      edges: [{ id: 'e', source: 'trigger', target: 'wait' }],
    });
    const stock = await create(JSON.parse(readFileSync(fixture('noop-and-error'), 'utf8')));
    const diamondId = (await pageApi<{ items: { id: string; name: string }[] }>(page, 'GET', '/api/flows')).body.items.find((f) => f.name === 'Diamond')!.id;

    await finished(await run(diamondId, {}), 'Succeeded');
    await finished(await run(stock, { sku: 'A-1', inStock: false }), 'Failed');
    await finished(await run(waiting, {}), 'Running');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await rowOf(page, 'Order webhook').waitFor();
    expect(await rowOf(page, 'Diamond').getByText('Succeeded', { exact: true }).count()).toBe(1);
    expect(await rowOf(page, 'No-op and error').getByText('Failed', { exact: true }).count()).toBe(1);
    expect(await rowOf(page, 'Approval reminder').getByText('Running', { exact: true }).count()).toBe(1);
    expect(await rowOf(page, 'Order webhook').getByRole('switch').getAttribute('aria-checked')).toBe('true');
    expect(await rowOf(page, 'Order webhook').getByText('Webhook', { exact: true }).count()).toBe(1);

    await page.screenshot({ path: '/tmp/webflows-flows.png' });

    // A flow's own run history, from its row.
    await page.getByRole('link', { name: 'Run history of Diamond', exact: true }).click();
    await page.waitForURL(new RegExp(`/runs\\?flowId=${diamondId}$`));
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('Succeeded');
    expect(env.browser.errors).toEqual([]);
  });

  it('says when the session has ended, and signs back in to the page it was on', async () => {
    const { page } = env.browser;
    await page.goto(`${env.server.url}/flows`);
    await page.getByRole('heading', { name: 'Flows' }).waitFor();

    // The session ends on the server while the page stays open, as after the idle time or a sign-out in another tab.
    expect((await pageApi(page, 'DELETE', '/api/session')).status).toBe(204);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    const ended = page.getByRole('alert').filter({ hasText: 'You are signed out.' });
    await ended.waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);

    await ended.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('heading', { name: 'Sign in to FlowForge' }).waitFor({ timeout: 15_000 });
    await signIn(page, env.server.url, 'owner@example.com', 'correct horse battery staple');
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tokens');
    // The browser logs the refused requests (401s) of the ended session; nothing else may appear.
    expect(env.browser.errors.filter((e) => !e.includes('401'))).toEqual([]);
  });
});
