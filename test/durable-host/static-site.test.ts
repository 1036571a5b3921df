import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HostRequest } from '../../local/durable-host/host-http';
import { staticSite } from '../../local/durable-host/static-site';

/** The local host's static folder (the wizard's build) over a real folder on disk. */
describe('the static site beside the functions', () => {
  let dir: string;
  let root: string;
  const get = (pathAndQuery: string, method = 'GET') => {
    const request: HostRequest = {
      method,
      url: new URL(pathAndQuery, 'http://127.0.0.1:7071'),
      headers: {},
      body: Buffer.alloc(0),
    };
    return staticSite({ root, reserved: ['/api', '/admin', '/runtime'], configJson: '{"clientId":"x"}' })(request);
  };
  const text = (body: unknown) => (Buffer.isBuffer(body) ? body.toString('utf8') : String(body));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'static-site-'));
    root = path.join(dir, 'dist');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>wizard</title>');
    await writeFile(path.join(root, 'assets', 'index-AbCdEf12.js'), 'console.log(1)');
    await writeFile(path.join(root, 'assets', 'style.css'), 'body{}');
    await writeFile(path.join(root, '.env'), 'SECRET=1');
    await writeFile(path.join(dir, 'outside.txt'), 'outside the root');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves files with their content types, hashed assets as immutable', async () => {
    const index = await get('/');
    expect(index).toMatchObject({
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      },
    });
    expect(index?.headers).toMatchObject({
      'Content-Security-Policy': "frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
    });
    expect(text(index?.body)).toContain('<title>wizard</title>');
    const script = await get('/assets/index-AbCdEf12.js');
    expect(script?.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    expect((await get('/assets/style.css'))?.headers).toMatchObject({
      'content-type': 'text/css; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
    expect(script?.headers).not.toHaveProperty('X-Frame-Options');
  });

  it('answers app paths with index.html, missing files with 404', async () => {
    expect(text((await get('/registration/step-2?x=1'))?.body)).toContain('<title>wizard</title>');
    expect((await get('/assets/missing.js'))?.status).toBe(404);
  });

  it('answers /config.json from the setting, never cached', async () => {
    const config = await get('/config.json');
    expect(config).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    });
    expect(JSON.parse(text(config?.body))).toEqual({ clientId: 'x' });
  });

  it('never leaves the folder nor shows dotfiles', async () => {
    for (const attempt of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/%2e%2e%2f%2e%2e%2foutside.txt',
      '/.env',
      '/assets/..%5c..%5coutside.txt',
    ]) {
      const answer = await get(attempt);
      expect([400, 404]).toContain(answer?.status);
      expect(text(answer?.body)).not.toMatch(/outside the root|SECRET/);
    }
    expect((await get('/%E0%A4%A'))?.status).toBe(400);
  });

  it("leaves the functions' and the runtime's paths alone, and only reads", async () => {
    expect(await get('/api/payer-account')).toBeUndefined();
    expect(await get('/admin/host/status')).toBeUndefined();
    expect(await get('/runtime/webhooks/durabletask/instances')).toBeUndefined();
    expect((await get('/index.html', 'POST'))?.status).toBe(405);
    const head = await get('/', 'HEAD');
    expect(head?.status).toBe(200);
    expect(head?.body).toBeUndefined();
  });
});
