import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwner, docsScreenshot, openBrowser, startServer, type Browser, type RunningServer } from './harness';

/** What the local OAuth provider saw: every authorize and token request, and whether PKCE matched. */
interface ProviderLog {
  authorizations: URLSearchParams[];
  tokenRequests: { form: URLSearchParams; authorization: string | undefined; pkceOk: boolean }[];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.length > 65_536) reject(new Error('token request too large'));
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

const base64url = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * A tiny OAuth 2.0 provider on 127.0.0.1: /authorize sends the browser straight back with a code (as if the user
 * allowed access); /token exchanges the code only when the code_verifier hashes (S256) to the code_challenge.
 */
async function startOAuthProvider(clientId: string, clientSecret: string): Promise<{ url: string; log: ProviderLog; close: () => Promise<void> }> {
  const log: ProviderLog = { authorizations: [], tokenRequests: [] };
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      log.authorizations.push(q);
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !redirectUri.startsWith('http://127.0.0.1:')) {
        response.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad authorize request');
        return;
      }
      const code = base64url(randomBytes(16));
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri, scope: q.get('scope') ?? '' });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      response.writeHead(302, { Location: back.toString() }).end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(await readBody(request));
      const authorization = request.headers.authorization;
      const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString() : null;
      const clientOk = basic === `${clientId}:${clientSecret}` || (form.get('client_id') === clientId && form.get('client_secret') === clientSecret);
      const issued = codes.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const pkceOk = issued !== undefined && base64url(createHash('sha256').update(verifier).digest()) === issued.challenge;
      log.tokenRequests.push({ form, authorization, pkceOk });
      if (form.get('grant_type') !== 'authorization_code' || !clientOk || !issued || !pkceOk || form.get('redirect_uri') !== issued.redirectUri) {
        response.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant', error_description: 'code, client or verifier refused' }));
        return;
      }
      codes.delete(form.get('code')!);
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(
        JSON.stringify({ access_token: `at-${base64url(randomBytes(12))}`, refresh_token: `rt-${base64url(randomBytes(12))}`, token_type: 'Bearer', expires_in: 3600, scope: issued.scope }),
      );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, log, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A JSON request made by the page itself (its session cookie and the CSRF header). */
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

const apiKey = 'e2e-api-key-0f1e2d3c4b5a69788796a5b4';
const clientId = 'flowforge-e2e';
const clientSecret = 'e2e-client-secret-5a4b3c2d1e0f';

describe('the Connections page', () => {
  let server: RunningServer;
  let browser: Browser;
  let provider: Awaited<ReturnType<typeof startOAuthProvider>>;
  /** The text of every /api response the page received. */
  const responses: string[] = [];

  beforeAll(async () => {
    provider = await startOAuthProvider(clientId, clientSecret);
    // The local provider listens on 127.0.0.1: the server's SSRF guard must let the token request through.
    server = await startServer(['--Http:AllowPrivateNetworks=true']);
    browser = await openBrowser();
    browser.page.on('response', async (response) => {
      if (!new URL(response.url()).pathname.startsWith('/api/')) return;
      try {
        responses.push(await response.text());
      } catch {
        // redirects and aborted requests have no body
      }
    });
    await createOwner(browser.page, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
  });

  it('saves an API key without ever showing it, renames, tests and deletes the connection', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    await page.getByText('No connections yet').waitFor();

    await page.getByRole('button', { name: 'New connection' }).click();
    const form = page.getByRole('form', { name: 'New connection' });
    await form.getByLabel('Sign-in method').selectOption('apiKey');
    await form.getByLabel('Name', { exact: true }).fill('Billing API');
    await form.getByLabel('Header name').fill('X-Billing-Key');
    await form.getByLabel('API key').fill(apiKey);
    expect(await form.getByLabel('API key').getAttribute('type')).toBe('password');
    await form.getByRole('button', { name: 'Save connection' }).click();

    await page.getByRole('status').filter({ hasText: 'Saved “Billing API”' }).waitFor();
    const row = page.locator('tr', { hasText: 'Billing API' });
    await row.getByText('Connected').waitFor();
    await page.screenshot({ path: '/tmp/webconn-apikey.png' });
    expect(await page.content()).not.toContain(apiKey);

    await row.getByRole('button', { name: 'Rename Billing API' }).click();
    await page.getByLabel('New name for Billing API').fill('Billing (production)');
    await page.getByLabel('New name for Billing API').press('Enter');
    const renamed = page.locator('tr', { hasText: 'Billing (production)' });
    await renamed.getByRole('button', { name: 'Rename Billing (production)' }).waitFor();

    await renamed.getByRole('button', { name: 'Test Billing (production)' }).click();
    await renamed.locator('.cn-test-ok').waitFor();

    // Reload: the list comes from the server again, and still has no secret in it.
    await page.reload();
    await page.locator('tr', { hasText: 'Billing (production)' }).waitFor();
    expect(await page.content()).not.toContain(apiKey);
    expect(responses.length).toBeGreaterThan(3);
    expect(responses.filter((text) => text.includes(apiKey))).toEqual([]);

    await page.getByRole('button', { name: 'Delete Billing (production)' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete “Billing (production)”?' });
    await dialog.getByRole('button', { name: 'Delete connection' }).click();
    await page.getByText('No connections yet').waitFor();
    expect(browser.errors).toEqual([]);
  });

  it('connects through a local OAuth provider and back, and offers the connection in a node panel', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    const form = page.getByRole('form', { name: 'New connection' });
    await form.getByLabel('Provider').selectOption('generic-oauth2');
    await form.getByLabel('Name', { exact: true }).fill('Local identity');
    await form.getByLabel(/^Authorization URL/).fill(`${provider.url}/authorize`);
    await form.getByLabel(/^Token URL/).fill(`${provider.url}/token`);
    await form.getByLabel(/^Client ID/).fill(clientId);
    await form.getByLabel(/^Client secret/).fill(clientSecret);
    await form.getByLabel('Scopes', { exact: true }).fill('read write');
    await form.getByRole('button', { name: 'Connect' }).click();

    // authorize → /oauth/callback → /connections?connected=<id>, which the page greets and tidies.
    await page.getByRole('status').filter({ hasText: 'Connected “Local identity”.' }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/connections');
    expect(provider.log.authorizations).toHaveLength(1);
    expect(provider.log.tokenRequests.map((t) => t.pkceOk)).toEqual([true]);
    const row = page.locator('tr', { hasText: 'Local identity' });
    await row.getByText('Connected').waitFor();
    await row.getByRole('list', { name: 'Scopes' }).getByText('read', { exact: true }).waitFor();
    await row.getByRole('list', { name: 'Scopes' }).getByText('write', { exact: true }).waitFor();
    await row.getByText(/in (1 hour|60 minutes|59 minutes)/).waitFor();
    expect(await page.content()).not.toContain(clientSecret);
    expect(responses.filter((text) => text.includes(clientSecret))).toEqual([]);

    // A second connection for the picture of the list.
    await page.getByRole('button', { name: 'New connection' }).click();
    await form.getByLabel('Sign-in method').selectOption('bearer');
    await form.getByLabel('Name', { exact: true }).fill('Status page API');
    await form.getByLabel('Token').fill('e2e-bearer-token-value');
    await form.getByRole('button', { name: 'Save connection' }).click();
    await page.locator('tr', { hasText: 'Status page API' }).waitFor();
    await page.getByRole('button', { name: 'Dismiss message' }).click();
    await docsScreenshot(page, 'connections.png');

    // The node panel's picker: http.request takes any connection.
    const types = await pageApi<{ id: string; configSchema: { properties?: Record<string, unknown> } }[]>(page, '/api/node-types');
    const http = types.json.find((t) => t.id === 'http.request');
    expect(http?.configSchema.properties?.connectionId).toBeDefined();
    const created = await pageApi<{ id: string }>(page, '/api/flows', 'POST', {
      name: 'Call the API',
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 100 }, data: { label: 'Start' } },
        { id: 'call', type: 'http.request', position: { x: 260, y: 100 }, data: { config: { method: 'GET', url: 'https://example.com/me' } } },
      ],
      edges: [{ id: 'e1', source: 'trigger', target: 'call' }],
    });
    expect(created.status).toBe(201);
    await page.goto(`${server.url}/flows/${created.json.id}`);
    await page.locator('.react-flow__node[data-id="call"]').click();
    const picker = page.getByLabel(/^Connection/);
    await expect.poll(async () => (await picker.locator('option').allTextContents()).sort()).toEqual(['Choose a connection…', 'Local identity', 'Status page API']);
    const localId = await picker.locator('option', { hasText: 'Local identity' }).getAttribute('value');
    await picker.selectOption({ label: 'Local identity' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(
        async () =>
          (await pageApi<{ definition: { nodes: { id: string; data: { config?: { connectionId?: string } } }[] } }>(page, `/api/flows/${created.json.id}`)).json.definition.nodes.find(
            (n) => n.id === 'call',
          )?.data.config?.connectionId,
      )
      .toBe(localId);
    await picker.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/webconn-panel.png' });
    expect(browser.errors).toEqual([]);
  });
});
