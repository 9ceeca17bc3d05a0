import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, repoRoot, startServer, type Browser, type RunningServer } from './harness';

// The node panel in Chromium against a real server: e2e/panel-page shows it beside the node's data, served from a
// page origin whose /api calls go to the server with a bearer token.
const origin = 'http://panel.test';
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

describe('the node panel', () => {
  let server: RunningServer;
  let browser: Browser;
  let pageDir: string;
  let token: string;
  let flowId: string;

  beforeAll(async () => {
    pageDir = mkdtempSync(join(tmpdir(), 'flowforge-panel-page-'));
    await build({
      configFile: false,
      root: join(repoRoot, 'web', 'e2e', 'panel-page'),
      plugins: [react()],
      logLevel: 'warn',
      build: { outDir: pageDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 5000 },
    });
    server = await startServer();

    const credentials = { email: 'panel@example.com', password: 'a long password' };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await json(await post('/api/auth/register', credentials));
    token = (await json<{ token: string }>(await post('/api/auth/token', credentials))).token;
    const auth = { Authorization: `Bearer ${token}` };
    const flow = {
      name: 'Orders',
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
        {
          id: 'order',
          type: 'core.set',
          position: { x: 240, y: 0 },
          data: { config: { values: { total: '{{ input.price * input.qty }}', sku: '{{ upper(input.sku) }}' } } },
        },
        { id: 'check', type: 'core.filter', position: { x: 480, y: 0 }, data: { config: { condition: '{{ true }}' } } },
        {
          id: 'route',
          type: 'core.switch',
          position: { x: 720, y: 0 },
          data: { config: { value: '{{ nodes.order.output.sku }}', cases: [{ port: 'gold', equals: 'AB-1' }] } },
        },
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'order' },
        { id: 'e2', source: 'order', target: 'check' },
        { id: 'e3', source: 'check', target: 'route' },
      ],
    };
    flowId = (await json<{ id: string }>(await post('/api/flows', flow, auth))).id;
    const run = await json<{ status: string }>(
      await post(`/api/flows/${flowId}/runs`, { input: { price: 3.5, qty: 4, sku: 'ab-1' } }, { ...auth, Prefer: 'wait=60' }),
    );
    expect(run.status).toBe('Succeeded');

    browser = await openBrowser();
    await browser.context.route(`${origin}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname.startsWith('/api/')) {
        const response = await route.fetch({ url: `${server.url}${url.pathname}${url.search}`, headers: { ...route.request().headers(), authorization: `Bearer ${token}` } });
        await route.fulfill({ response });
        return;
      }
      const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      try {
        await route.fulfill({ status: 200, body: readFileSync(join(pageDir, file)), contentType: types[extname(file)] ?? 'application/octet-stream' });
      } catch {
        await route.fulfill({ status: 404, body: 'not found' });
      }
    });
  });

  // A preview of text that does not read yet (`{{ nodes.` while picking a completion) is answered 400 with the
  // position, and Chromium logs every 4xx answer to the console. Those, and only those, are expected.
  const failedAnswers: string[] = [];
  function unexpectedErrors(): string[] {
    expect(failedAnswers.every((url) => url.endsWith('/api/expressions/preview'))).toBe(true);
    return browser.errors.filter((e) => !(e.includes('status of 400') && failedAnswers.length > 0));
  }

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  });

  it('edits a node: fields, an expression completed from the last run and previewed, and its policies', async () => {
    const page = browser.page;
    page.on('response', (r) => {
      if (r.status() >= 400) failedAnswers.push(r.url());
    });
    await page.goto(`${origin}/?flow=${flowId}&node=check`);
    const panel = page.getByRole('complementary', { name: 'Settings of check' });
    await panel.getByRole('heading', { name: 'Filter' }).waitFor({ timeout: 30_000 });
    await panel.getByText('Completion and previews use the last run of this flow.').waitFor();
    const data = page.getByTestId('node-data');

    // The label, then Tab reaches the read-only id.
    const label = panel.getByLabel('Label');
    await label.fill('Big orders');
    await label.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).readOnly)).toBe(true);
    // Tab goes into the condition's editor and on out of it (Tab does not indent there).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-labelledby') ?? '')).toMatch(/-condition-label$/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');

    // The condition: type {{ nodes. and pick a path the last run produced.
    const condition = panel.getByRole('textbox', { name: 'Condition' });
    await condition.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('{{ nodes.');
    const suggestion = page.locator('.cm-tooltip-autocomplete li', { hasText: 'nodes.order.output.total' });
    await suggestion.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: '/tmp/webpanel-completion.png' });
    await suggestion.click();
    await page.keyboard.type(' * 2 '); // '{{' was closed as it was typed
    await expect.poll(() => condition.textContent()).toBe('{{ nodes.order.output.total * 2 }}');
    const preview = panel.getByTestId('expression-preview-value');
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toBe('28');

    // A mistake is previewed with where it is.
    await page.keyboard.type('+ ');
    await expect.poll(() => panel.locator('.expression-preview-error').textContent(), { timeout: 15_000 }).toBe('expected a name or a value at position 34 (character 35)');
    await page.screenshot({ path: '/tmp/webpanel-preview-error.png' });
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toBe('28');

    // Policies.
    await panel.getByText('Retry, timeout and errors').click();
    await panel.getByLabel('Attempts').fill('3');
    await panel.getByLabel('Timeout (ms)').fill('15000');
    await panel.getByLabel('On error').selectOption('continue');

    await expect
      .poll(async () => JSON.parse((await data.textContent()) ?? '{}'))
      .toEqual({
        label: 'Big orders',
        config: { condition: '{{ nodes.order.output.total * 2 }}' },
        retry: { maxAttempts: 3 },
        timeoutMs: 15000,
        onError: 'continue',
      });

    await page.screenshot({ path: '/tmp/webpanel-panel.png' });
    await panel.evaluate((e) => e.scrollTo(0, 0));
    await page.screenshot({ path: '/tmp/webpanel-panel-top.png' });
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shows a JSON parse error inline under JSON settings until the text parses', async () => {
    const page = browser.page;
    await page.goto(`${origin}/?flow=${flowId}&node=order`);
    const panel = page.getByRole('complementary', { name: 'Settings of order' });
    await panel.getByRole('heading', { name: 'Set Values' }).waitFor({ timeout: 30_000 });
    const values = panel.getByRole('textbox', { name: 'Values' });
    await values.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(',');
    await panel.getByText(/Not valid JSON/).waitFor();
    await page.screenshot({ path: '/tmp/webpanel-json-error.png' });
    await page.keyboard.press('Backspace');
    await expect.poll(() => panel.getByText(/Not valid JSON/).count()).toBe(0);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('edits a list of cases: adds one, fills it and moves it first', async () => {
    const page = browser.page;
    await page.goto(`${origin}/?flow=${flowId}&node=route`);
    const panel = page.getByRole('complementary', { name: 'Settings of route' });
    await panel.getByRole('heading', { name: 'Switch' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => panel.getByTestId('expression-preview-value').first().textContent(), { timeout: 15_000 }).toBe('"AB-1"');

    await panel.getByRole('button', { name: 'Add case' }).click();
    const second = panel.getByRole('group', { name: 'Case 2' });
    await second.getByRole('textbox', { name: 'Port' }).click();
    await page.keyboard.type('silver');
    await second.getByRole('textbox', { name: 'Equals' }).click();
    await page.keyboard.type('2');
    await panel.getByRole('button', { name: 'Move case 2 up' }).click();

    await expect
      .poll(async () => JSON.parse((await page.getByTestId('node-data').textContent()) ?? '{}').config.cases)
      .toEqual([
        { port: 'silver', equals: 2 },
        { port: 'gold', equals: 'AB-1' },
      ]);
    // The editors follow the move (an editor typed in a moment ago takes the new text once typing pauses).
    const moved = panel.getByRole('group', { name: 'Case 2' });
    await expect.poll(() => moved.getByRole('textbox', { name: 'Port' }).textContent(), { timeout: 10_000 }).toBe('gold');
    await expect.poll(() => moved.getByRole('textbox', { name: 'Equals' }).textContent(), { timeout: 10_000 }).toBe('AB-1');
    await page.screenshot({ path: '/tmp/webpanel-cases.png' });
    expect(unexpectedErrors()).toEqual([]);
  });
});
