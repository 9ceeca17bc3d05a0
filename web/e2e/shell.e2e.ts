import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repoRoot, useServerAndBrowser } from './harness';

/** Every file of a folder and its subfolders. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(folder, e.name)) : [join(folder, e.name)]));
}

describe('the server serves the web app', () => {
  const env = useServerAndBrowser();

  it('serves index.html at / and at deep links, never cached, and hashed assets cached for a year', async () => {
    const root = await fetch(`${env.server.url}/`);
    const deep = await fetch(`${env.server.url}/flows/some-flow`);
    const html = await root.text();

    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);

    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    expect(asset).toBeTruthy();
    const script = await fetch(`${env.server.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.headers.get('cache-control')).toContain('immutable');
  });

  it('keeps unknown API paths and missing files as 404s, not the app page', async () => {
    const api = await fetch(`${env.server.url}/api/no-such-endpoint`);
    const file = await fetch(`${env.server.url}/assets/missing.js`);

    expect(api.status).toBe(404);
    expect(api.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(file.status).toBe(404);
  });

  it('renders the app in Chromium', async () => {
    await env.browser.page.goto(env.server.url);

    await expect.poll(() => env.browser.page.title(), { timeout: 15_000 }).toBe('FlowForge');
    await env.browser.page.locator('#root > *').first().waitFor({ timeout: 15_000 });
  });

  it('ships a built app of under 1 MB gzipped, every page and library included', () => {
    // The server serves web/dist, which the global setup's `flowforge serve` built.
    const files = filesUnder(join(repoRoot, 'web', 'dist'));
    const gzipped = files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);

    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(gzipped).toBeLessThan(1024 * 1024);
  });

  // Last in this file: the rebuild replaces web/dist, which the server above serves.
  it('rebuilds the app when a file under web/ changed since the last build, and only then', () => {
    const serveHelp = () => spawnSync(`${repoRoot}/flowforge`, ['serve', '--help'], { encoding: 'utf8', timeout: 600_000 });
    const builtAt = () => statSync(join(repoRoot, 'web', 'dist', 'index.html')).mtimeMs;

    const unchanged = serveHelp();
    expect(unchanged.status).toBe(0);
    expect(unchanged.stderr).not.toContain('Building the web app');

    const before = builtAt();
    // What saving web/index.html in an editor leaves behind: a newer modification time than the last build.
    const now = new Date();
    utimesSync(join(repoRoot, 'web', 'index.html'), now, now);
    const changed = serveHelp();
    expect(changed.status).toBe(0);
    expect(changed.stderr).toContain('Building the web app');
    expect(builtAt()).toBeGreaterThan(before);
  });
});
