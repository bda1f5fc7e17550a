import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLathe, type Lathe } from '../../../main/app';
import { createLogger } from '../../../main/log/logger';
import { LoopbackServer } from '../../../main/server/loopbackServer';
import { tmpDir } from '../../helpers/tmp';
import { rawRequest } from '../../helpers/http';
import { seededRandom, pick } from '../../helpers/random';

let lathe: Lathe;
let staticDir: string;

beforeEach(async () => {
  staticDir = tmpDir();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Lathe</title><div id="root"></div>');
  lathe = await createLathe({ home: tmpDir(), serve: true, staticDir, background: false });
});
afterEach(async () => {
  await lathe.dispose();
});

const call = (channel: string, headers: Record<string, string>, body = '{}') =>
  rawRequest(`${lathe.url}/api/call/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

function openSocket(headers: Record<string, string>, path = '/api/ws'): Promise<WebSocket> {
  const ws = new WebSocket(`${lathe.url!.replace('http', 'ws')}${path}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('loopback server', () => {
  it('binds 127.0.0.1 on a random port', () => {
    expect(lathe.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(lathe.url!).port)).toBeGreaterThan(0);
  });

  it('answers 401 without a token and with a wrong token, and serves the call with the right one', async () => {
    expect((await call('app.info', {})).status).toBe(401);
    expect((await call('app.info', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await rawRequest(`${lathe.url}/`)).status).toBe(401);
    const good = await call('app.info', { authorization: `Bearer ${lathe.token}` });
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toMatchObject({ ok: true, value: { name: 'Lathe', home: lathe.home } });
  });

  it('refuses requests whose Host or Origin is not loopback, even with the token (DNS rebinding)', async () => {
    const auth = { authorization: `Bearer ${lathe.token}` };
    const rebound = await call('app.info', { ...auth, host: `attacker.example.com:${new URL(lathe.url!).port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    expect((await call('app.info', { ...auth, origin: 'https://attacker.example.com' })).status).toBe(403);
    expect((await call('app.info', { ...auth, host: `localhost:${new URL(lathe.url!).port}` })).status).toBe(200);
  });

  it('turns the printed ?token= URL into an HttpOnly cookie and then serves the renderer with a CSP', async () => {
    const first = await rawRequest(`${lathe.url}/?token=${lathe.token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await rawRequest(`${lathe.url}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await rawRequest(`${lathe.url}/?token=wrong`)).status).toBe(401);
  });

  it('answers malformed JSON bodies with invalid-argument', async () => {
    const res = await call('settings.update', { authorization: `Bearer ${lathe.token}` }, '{"patch": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    await expect(openSocket({})).rejects.toThrow('HTTP 401');
    await expect(openSocket({ authorization: `Bearer ${lathe.token}`, origin: 'https://attacker.example.com' })).rejects.toThrow('HTTP 403');
  });

  it('serves calls over the WebSocket and pushes events to subscribers', async () => {
    const ws = await openSocket({ authorization: `Bearer ${lathe.token}` });
    const messages: Array<{ type: string; id?: number; name?: string; result?: unknown; payload?: unknown }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as (typeof messages)[number]));
    const until = async (predicate: () => boolean) => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(predicate()).toBe(true);
    };
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'settings.update', payload: { patch: { theme: 'dark' } } }));
    await until(() => messages.some((m) => m.type === 'result' && m.id === 1));
    expect(messages.find((m) => m.id === 1)?.result).toMatchObject({ ok: true, value: { theme: 'dark' } });
    await until(() => messages.some((m) => m.type === 'event' && m.name === 'settings.changed'));
    expect(messages.find((m) => m.name === 'settings.changed')?.payload).toMatchObject({ theme: 'dark' });
    await until(() => messages.some((m) => m.type === 'event' && m.name === 'events.changed'));
    expect(messages.find((m) => m.name === 'events.changed')?.payload).toMatchObject({ action: 'settings.update', actor: 'ui' });
    ws.close();
  });

  it('treats another port on this machine as another site: its Origin is refused, ours is served', async () => {
    const auth = { authorization: `Bearer ${lathe.token}` };
    const port = Number(new URL(lathe.url!).port);
    expect((await call('app.info', { ...auth, origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await call('app.info', { ...auth, origin: 'http://localhost:8888' })).status).toBe(403);
    expect((await call('app.info', { ...auth, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await call('app.info', { ...auth, origin: 'app://lathe' })).status).toBe(200);
    await expect(openSocket({ ...auth, origin: 'http://localhost:3000' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ ...auth, host: `attacker.example.com:${port}` })).rejects.toThrow('HTTP 403');
  });

  it('accepts calls only as JSON, so a cross-site form cannot post one', async () => {
    const res = await call('settings.update', { authorization: `Bearer ${lathe.token}`, 'content-type': 'text/plain' }, '{"patch":{"theme":"dark"}}');
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('answers malformed cookies, channels and dot-segment paths with errors and keeps serving', async () => {
    const auth = { authorization: `Bearer ${lathe.token}` };
    expect((await rawRequest(`${lathe.url}/`, { headers: { cookie: 'x=%E0%A4%A' } })).status).toBe(401);
    await expect(openSocket({ cookie: 'x=%E0%A4%A' })).rejects.toThrow('HTTP 401');
    const badChannel = await rawRequest(`${lathe.url}/api/call/%E0%A4%A`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(badChannel.status).toBe(400);
    expect((await rawRequest(`${lathe.url}/endpoints/a/../b/invocations`, { method: 'POST', headers: auth })).status).toBe(400);
    expect((await rawRequest(`${lathe.url}/api/%2e%2e/api/contract`, { headers: auth })).status).toBe(400);
    expect((await call('app.info', auth)).status).toBe(200);
  });

  it('opens the UI from a one-time launch code, which cannot be used twice', async () => {
    const launch = await rawRequest(`${lathe.url}/api/session/launch-url`, { method: 'POST', headers: { authorization: `Bearer ${lathe.token}` } });
    const url = (JSON.parse(launch.body) as { url: string }).url;
    expect(url).toMatch(/\/\?code=[0-9a-f]+$/);
    expect(url).not.toContain(lathe.token);
    const first = await rawRequest(url);
    expect(first.status).toBe(302);
    expect(String(first.headers['set-cookie'])).toContain(`=${lathe.token}`);
    expect((await rawRequest(url)).status).toBe(401);
    expect((await rawRequest(`${lathe.url}/api/session/launch-url`, { method: 'POST' })).status).toBe(401);
  });

  it('lets a launch code expire after a minute', async () => {
    let now = Date.now();
    const server = new LoopbackServer({ router: lathe.router, bus: lathe.bus, logger: createLogger('t'), token: 'tok-123456', clock: () => now });
    await server.start();
    try {
      const stale = server.createLaunchUrl();
      const fresh = server.createLaunchUrl();
      now += 61_000;
      expect((await rawRequest(stale)).status).toBe(401);
      const late = server.createLaunchUrl();
      expect((await rawRequest(late)).status).toBe(302);
      expect((await rawRequest(fresh)).status).toBe(401);
    } finally {
      await server.dispose();
    }
  });

  it('survives a stream of garbage over the WebSocket and HTTP, answering each call, then still serves', async () => {
    const random = seededRandom(7);
    const ws = await openSocket({ authorization: `Bearer ${lathe.token}` });
    const answers: Array<{ type: string; id: unknown; result?: { ok: boolean; error?: { code: string } } }> = [];
    ws.on('message', (data) => answers.push(JSON.parse(data.toString()) as (typeof answers)[number]));
    const garbage = (i: number): string | Buffer =>
      pick(random, [
        () => 'null',
        () => '[]',
        () => '42',
        () => '"call"',
        () => '{',
        () => JSON.stringify({ type: 'call', id: i, channel: pick(random, ['app.info', 'nope', 7, null]), payload: pick(random, [null, 'x', [], { zz: 1 }]) }),
        () => JSON.stringify({ type: pick(random, ['subscribe', 'CALL', null]), id: i }),
        () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))),
      ])();
    for (let i = 0; i < 300; i++) ws.send(garbage(i));
    for (let i = 0; i < 100; i++) {
      const res = await call(pick(random, ['app.info', 'settings.update', 'x']), { authorization: `Bearer ${lathe.token}` }, String(garbage(i)));
      expect([200, 400]).toContain(res.status);
    }
    ws.send(JSON.stringify({ type: 'call', id: 'last', channel: 'app.info', payload: {} }));
    for (let i = 0; i < 300 && !answers.some((a) => a.id === 'last'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(answers.find((a) => a.id === 'last')?.result).toMatchObject({ ok: true });
    // Every message got an answer, and none of the garbage passed for a call.
    expect(answers.filter((a) => a.type === 'result')).toHaveLength(301);
    expect(answers.filter((a) => a.result?.ok).map((a) => a.id)).toEqual(['last']);
    expect(answers.filter((a) => a.id !== 'last').every((a) => a.result?.error?.code === 'invalid-argument')).toBe(true);
    ws.close();
  });

  it('publishes server.json (0600) for `lathe call` only when asked, and removes it on dispose', async () => {
    expect(fs.existsSync(path.join(lathe.home, 'server.json'))).toBe(false);
    const home = tmpDir();
    const published = await createLathe({ home, serve: true, publish: true, staticDir: null, background: false });
    const file = path.join(home, 'server.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ url: published.url, token: published.token, pid: process.pid });
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    await published.dispose();
    expect(fs.existsSync(file)).toBe(false);
  });
});
