import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasNode, connect, dragFromPalette, edgeCount, replaceEditorText } from './canvas';
import { createOwner, openBrowser, pageApi, startServer, type Browser, type RunningServer } from './harness';

// Slack connected from the Connections page through a local stand-in of Slack's OAuth and Web API, a webhook flow drawn
// in the editor posting through it, and a flood of webhook calls delivered at the provider's rate.

const clientId = 'slack-e2e-client';
const clientSecret = 'slack-e2e-client-secret-7c6b5a';
const calls = 100;
const perSecond = 10;

interface Post {
  text: string;
  at: number;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.length > 65_536) reject(new Error('request too large'));
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

const base64url = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * Slack on 127.0.0.1: /oauth/v2/authorize sends the browser straight back with a code; /api/oauth.v2.access exchanges
 * it (PKCE checked) for a bot token in Slack's answer shape; /api/chat.postMessage records messages posted with it.
 */
async function startSlack(): Promise<{ url: string; tokens: string[]; posts: Post[]; pkce: boolean[]; close: () => Promise<void> }> {
  const tokens: string[] = [];
  const posts: Post[] = [];
  const pkce: boolean[] = [];
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const json = (response: import('node:http').ServerResponse, body: unknown) =>
    response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/oauth/v2/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        response.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad authorize request');
        return;
      }
      const code = base64url(randomBytes(16));
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      response.writeHead(302, { Location: back.toString() }).end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/api/oauth.v2.access') {
      const form = new URLSearchParams(await readBody(request));
      const issued = codes.get(form.get('code') ?? '');
      const verified = issued !== undefined && base64url(createHash('sha256').update(form.get('code_verifier') ?? '').digest()) === issued.challenge;
      pkce.push(verified);
      if (!issued || !verified || form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret || form.get('redirect_uri') !== issued.redirectUri) {
        json(response, { ok: false, error: 'invalid_code' });
        return;
      }
      codes.delete(form.get('code')!);
      const token = `xoxb-${base64url(randomBytes(12))}`;
      tokens.push(token);
      json(response, {
        ok: true, access_token: token, token_type: 'bot', scope: 'chat:write,channels:read', bot_user_id: 'U0BOT', app_id: 'A0APP',
        team: { id: 'T0TEAM', name: 'Local team' }, authed_user: { id: 'U0USER' },
      });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/api/chat.postMessage') {
      const body = JSON.parse(await readBody(request)) as { channel: string; text: string };
      if (!tokens.some((t) => request.headers.authorization === `Bearer ${t}`)) {
        json(response, { ok: false, error: 'not_authed' });
        return;
      }
      posts.push({ text: body.text, at: Date.now() });
      json(response, { ok: true, channel: 'C0ORDERS', ts: `1700000000.${String(posts.length).padStart(6, '0')}`, message: { text: body.text, type: 'message' } });
      return;
    }
    response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'unknown_method' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, tokens, posts, pkce, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const panelOf = (page: Page, id: string) => page.getByRole('complementary', { name: `Settings of ${id}` });

describe('Slack from the web app', () => {
  let server: RunningServer;
  let browser: Browser;
  let slack: Awaited<ReturnType<typeof startSlack>>;

  beforeAll(async () => {
    slack = await startSlack();
    server = await startServer([
      // Slack and the server both listen on 127.0.0.1.
      '--Http:AllowPrivateNetworks=true',
      `--Connections:Providers:slack:ClientId=${clientId}`,
      `--Connections:Providers:slack:ClientSecret=${clientSecret}`,
      `--Connections:Providers:slack:AuthorizeUrl=${slack.url}/oauth/v2/authorize`,
      `--Connections:Providers:slack:TokenUrl=${slack.url}/api/oauth.v2.access`,
      `--Integrations:Slack:BaseUrl=${slack.url}`,
      `--RateLimits:Providers:slack:PerSecond=${perSecond}`,
      '--RateLimits:Providers:slack:Burst=1',
      // The flood is the point: the webhook's own limit must let it in.
      `--Webhooks:PermitsPerSecond=${calls}`,
      `--Webhooks:Burst=${calls}`,
    ]);
    browser = await openBrowser();
    await createOwner(browser.page, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await slack?.close();
  });

  it('connects Slack, draws webhook → slack.postMessage, and delivers 100 webhook calls at the provider’s rate, once each', async () => {
    const { page } = browser;

    // Connect through Slack's OAuth round trip from the Connections page.
    await page.goto(`${server.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    const form = page.getByRole('form', { name: 'New connection' });
    await form.getByLabel('Provider').selectOption('slack');
    await form.getByLabel('Name', { exact: true }).fill('Team Slack');
    await form.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected “Team Slack”.' }).waitFor({ timeout: 30_000 });
    expect(slack.pkce).toEqual([true]);
    await page.locator('tr', { hasText: 'Team Slack' }).getByText('Connected').waitFor();
    // A key-based connection of no provider, which the Slack node must not offer.
    await pageApi(page, 'POST', '/api/connections', { name: 'Other API', kind: 'bearer', secret: { token: 'e2e-other-token' } });

    // A webhook flow; the Slack node dragged from the palette and joined to it.
    const created = await pageApi<{ id: string }>(page, 'POST', '/api/flows', {
      name: 'Orders to Slack',
      nodes: [{ id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 100 }, data: { label: 'Order shipped', config: { respond: 'immediately' } } }],
      edges: [],
      viewport: { x: 40, y: 40, zoom: 1 },
    });
    expect(created.status).toBe(201);
    const flowId = created.body.id;
    await page.goto(`${server.url}/flows/${flowId}`);
    await canvasNode(page, 'hook').waitFor({ timeout: 20_000 });
    await dragFromPalette(page, 'slack.postMessage', 420, 160);
    await canvasNode(page, 'postMessage-1').waitFor();
    await connect(page, 'hook', 'main', 'postMessage-1');
    await expect.poll(() => edgeCount(page)).toBe(1);

    // The panel offers only Slack connections.
    await canvasNode(page, 'postMessage-1').click();
    const panel = panelOf(page, 'postMessage-1');
    const picker = panel.getByLabel(/^Connection/);
    await expect.poll(async () => (await picker.locator('option').allTextContents()).filter((o) => !o.startsWith('Choose'))).toEqual(['Team Slack']);
    await picker.selectOption({ label: 'Team Slack' });
    await replaceEditorText(page, panel.getByRole('textbox', { name: 'Channel' }), '#orders');
    await replaceEditorText(page, panel.getByRole('textbox', { name: 'Text' }), '{{ input.body.message }}');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved as version \d+\./).waitFor();
    const saved = await pageApi<{ definition: { nodes: { id: string; data: { config?: Record<string, unknown> } }[] } }>(page, 'GET', `/api/flows/${flowId}`);
    expect(saved.body.definition.nodes.find((n) => n.id === 'postMessage-1')!.data.config).toMatchObject({ channel: '#orders', text: '{{ input.body.message }}' });
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();
    const hookUrl = await page.getByRole('region', { name: 'Webhook URLs' }).locator('input').inputValue();

    // 100 webhook calls at once.
    const messages = Array.from({ length: calls }, (_, i) => `Order ${String(i).padStart(3, '0')} shipped`);
    const answers = await Promise.all(
      messages.map((message) => fetch(hookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message }) })),
    );
    expect(answers.map((a) => a.status)).toEqual(messages.map(() => 202));
    const runIds = await Promise.all(answers.map(async (a) => ((await a.json()) as { runId: string }).runId));

    // Every message arrives once, paced by Slack's budget of 10 a second (burst 1): 100 take about 10 s.
    await expect.poll(() => slack.posts.length, { timeout: 60_000, interval: 500 }).toBe(calls);
    expect(slack.posts.map((p) => p.text).sort()).toEqual([...messages].sort());
    const times = slack.posts.map((p) => p.at).sort((a, b) => a - b);
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(((calls - 1) / perSecond) * 1000 - 1_000);
    for (const runId of runIds) {
      await expect.poll(async () => (await pageApi<{ status: string }>(page, 'GET', `/api/runs/${runId}`)).body.status, { timeout: 20_000 }).toBe('Succeeded');
    }
    // No duplicate after the runs ended, and the token never reached the page or the server's log.
    expect(slack.posts).toHaveLength(calls);
    expect(slack.tokens).toHaveLength(1);
    expect(await page.content()).not.toContain(slack.tokens[0]);
    expect(server.output()).not.toContain(slack.tokens[0]);
    expect(browser.errors).toEqual([]);
  });
});
