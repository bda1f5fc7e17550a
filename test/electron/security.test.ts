import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App, Protocol, Session, WebContents } from 'electron';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  applySecurity,
  cspFor,
  devServerOrigin,
  navigationVerdict,
  permissionVerdict,
  registerAppScheme,
  rendererFileFor,
  serveRenderer,
  webPreferences,
  windowOpenVerdict,
} from '../../electron/security';
import { isLoopbackHostname } from '../../main/server/auth';
import { FakeEmitter, fakeEvent, recordingLogger } from './fakes';

describe('navigationVerdict', () => {
  it.each([
    ['app://lathe/index.html', 'allow'],
    ['app://lathe/', 'allow'],
    ['app://lathe/panes/jobs?x=1#top', 'allow'],
    ['https://example.com', 'open-external'],
    ['http://127.0.0.1:1234', 'open-external'],
    ['https://docs.aws.amazon.com/sagemaker/', 'open-external'],
    ['file:///etc/passwd', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['data:text/html,<script>alert(1)</script>', 'deny'],
    ['not a url', 'deny'],
    ['', 'deny'],
    ['app://evil/x', 'deny'],
    ['app://lathe.evil/x', 'deny'],
    ['app://lathe:8080/x', 'deny'],
    ['app://user@lathe/index.html', 'deny'],
    ['https://user:secret@example.com/', 'deny'],
    ['vscode://open?x', 'deny'],
    ['ftp://example.com/file', 'deny'],
    ['about:blank', 'deny'],
    ['blob:app://lathe/1234', 'deny'],
  ] as const)('%s → %s', (url, verdict) => {
    expect(navigationVerdict(url)).toBe(verdict);
  });

  it('allows the dev server only when its origin is configured, and only that origin', () => {
    const origins = ['app://lathe', 'http://localhost:5173'];
    expect(navigationVerdict('http://localhost:5173/index.html', origins)).toBe('allow');
    expect(navigationVerdict('http://localhost:5174/index.html', origins)).toBe('open-external');
    expect(navigationVerdict('http://localhost:5173/index.html')).toBe('open-external');
  });
});

describe('windowOpenVerdict', () => {
  it.each([
    ['https://example.com/docs', 'open-external'],
    ['http://127.0.0.1:8888/lab', 'open-external'],
    ['app://lathe/index.html', 'deny'],
    ['file:///tmp/x.html', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['about:blank', 'deny'],
  ] as const)('%s → %s', (url, verdict) => {
    expect(windowOpenVerdict(url)).toBe(verdict);
  });
});

describe('permissionVerdict', () => {
  it.each([
    ['clipboard-sanitized-write', 'app://lathe/index.html', 'allow'],
    ['clipboard-sanitized-write', 'app://lathe', 'allow'],
    ['clipboard-sanitized-write', 'https://example.com/', 'deny'],
    ['clipboard-read', 'app://lathe/index.html', 'deny'],
    ['camera', 'app://lathe/index.html', 'deny'],
    ['media', 'app://lathe/index.html', 'deny'],
    ['geolocation', 'app://lathe/index.html', 'deny'],
    ['notifications', 'app://lathe/index.html', 'deny'],
    ['openExternal', 'app://lathe/index.html', 'deny'],
  ] as const)('%s from %s → %s', (permission, url, verdict) => {
    expect(permissionVerdict(permission, url)).toBe(verdict);
  });
});

describe('webPreferences', () => {
  it('sandboxes and isolates the renderer and keeps Node and webviews out', () => {
    const prefs = webPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    });
  });
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as [string, string[]];
    }),
  );
}

describe('Content-Security-Policy', () => {
  it('is strict by default', () => {
    const d = directives(CONTENT_SECURITY_POLICY);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('lets connect-src reach only the given loopback origins, over http and ws', () => {
    const csp = cspFor(['http://127.0.0.1:4321', 'http://127.0.0.1:8888/', 'https://evil.example.com', 'not a url']);
    expect(directives(csp).get('connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:4321',
      'ws://127.0.0.1:4321',
      'http://127.0.0.1:8888',
      'ws://127.0.0.1:8888',
    ]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('evil');
  });

  it('relaxes only what the dev server needs, and never eval', () => {
    const csp = cspFor([], { devServerOrigin: 'http://localhost:5173' });
    const d = directives(csp);
    expect(d.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('devServerOrigin', () => {
  it('trusts only a loopback dev server', () => {
    expect(devServerOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(devServerOrigin('http://127.0.0.1:5173/index.html')).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin('https://example.com/')).toBeNull();
    expect(devServerOrigin('file:///tmp/index.html')).toBeNull();
    expect(devServerOrigin(undefined)).toBeNull();
  });

  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['LocalHost', true],
    ['[::1]', true],
    ['127.0.0.2', false],
    ['0.0.0.0', false],
    ['localhost.example.com', false],
    ['[::2]', false],
  ])('trusts %s as a dev server: %s, as the loopback server does', (host, trusted) => {
    const url = `http://${host}:5173/`;
    expect(devServerOrigin(url) !== null).toBe(trusted);
    expect(isLoopbackHostname(new URL(url).hostname)).toBe(trusted);
  });
});

function fakeSession() {
  const calls = {
    permissionRequest: undefined as undefined | ((...args: unknown[]) => void),
    permissionCheck: undefined as undefined | ((...args: unknown[]) => boolean),
    device: undefined as undefined | ((...args: unknown[]) => boolean),
    headers: undefined as undefined | ((details: unknown, callback: (response: unknown) => void) => void),
  };
  const session = {
    setPermissionRequestHandler: (h: typeof calls.permissionRequest) => void (calls.permissionRequest = h),
    setPermissionCheckHandler: (h: typeof calls.permissionCheck) => void (calls.permissionCheck = h),
    setDevicePermissionHandler: (h: typeof calls.device) => void (calls.device = h),
    webRequest: { onHeadersReceived: (h: typeof calls.headers) => void (calls.headers = h) },
  };
  return { session: session as unknown as Session, calls };
}

function fakeWebContents() {
  const emitter = new FakeEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
  });
  return { contents, openWindow: (url: string) => openHandler?.({ url }) };
}

function secured(options: { rendererOrigins?: string[] } = {}) {
  const app = new FakeEmitter();
  const { session, calls } = fakeSession();
  const shell = { openExternal: vi.fn(() => Promise.resolve()) };
  const logger = recordingLogger();
  applySecurity({
    app: app as unknown as App,
    session,
    shell,
    logger,
    csp: () => cspFor(['http://127.0.0.1:4321']),
    ...options,
  });
  const { contents, openWindow } = fakeWebContents();
  app.emit('web-contents-created', {}, contents as unknown as WebContents);
  return { app, calls, shell, logger, contents, openWindow };
}

describe('applySecurity', () => {
  it('sends https navigations to the OS browser instead of the window', () => {
    const { contents, shell } = secured();
    const event = fakeEvent('https://example.com/docs');
    contents.emit('will-navigate', event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
  });

  it('drops file: navigations without opening anything', () => {
    const { contents, shell, logger } = secured();
    const event = fakeEvent('file:///etc/passwd');
    contents.emit('will-navigate', event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('file:///etc/passwd'))).toBe(true);
  });

  it('lets the renderer navigate within app://lathe', () => {
    const { contents, shell } = secured();
    const event = fakeEvent('app://lathe/index.html');
    contents.emit('will-navigate', event, event.url);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('applies the same rule to redirects', () => {
    const { contents, shell } = secured();
    const event = fakeEvent('javascript:alert(1)');
    contents.emit('will-redirect', event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('never opens a new window; http(s) links go to the OS browser', () => {
    const { openWindow, shell } = secured();
    expect(openWindow('https://example.com/')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/');
    expect(openWindow('app://lathe/index.html')).toEqual({ action: 'deny' });
    expect(openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses to attach webviews', () => {
    const { contents } = secured();
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('denies camera and geolocation and allows only sanitized clipboard writes from our origin', () => {
    const { calls } = secured();
    const answers: Record<string, boolean> = {};
    for (const permission of ['camera', 'media', 'geolocation', 'clipboard-sanitized-write']) {
      calls.permissionRequest?.({}, permission, (granted: boolean) => (answers[permission] = granted), {
        requestingUrl: 'app://lathe/index.html',
      });
    }
    expect(answers).toEqual({ camera: false, media: false, geolocation: false, 'clipboard-sanitized-write': true });
    let foreign: boolean | undefined;
    calls.permissionRequest?.({}, 'clipboard-sanitized-write', (g: boolean) => (foreign = g), { requestingUrl: 'https://example.com/' });
    expect(foreign).toBe(false);
    expect(calls.permissionCheck?.({}, 'geolocation', 'app://lathe', {})).toBe(false);
    expect(calls.permissionCheck?.({}, 'clipboard-sanitized-write', 'app://lathe', {})).toBe(true);
    expect(calls.device?.({})).toBe(false);
  });

  it('replaces any Content-Security-Policy on responses with ours', () => {
    const { calls } = secured();
    let response: { responseHeaders: Record<string, string[]> } | undefined;
    calls.headers?.(
      { url: 'app://lathe/index.html', responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (r) => (response = r as typeof response),
    );
    expect(response?.responseHeaders['Content-Type']).toEqual(['text/html']);
    expect(response?.responseHeaders['content-security-policy']).toBeUndefined();
    expect(response?.responseHeaders['Content-Security-Policy']).toEqual([cspFor(['http://127.0.0.1:4321'])]);
  });
});

describe('the app:// scheme', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-renderer-'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Lathe</title>');
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'assets', 'index.js'), 'export {};');
    fs.writeFileSync(path.join(path.dirname(root), 'lathe-secret.txt'), 'secret');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(root), 'lathe-secret.txt'), { force: true });
  });

  it('is registered as a standard, secure scheme', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  it('maps app://lathe URLs to files in the renderer folder', () => {
    expect(rendererFileFor(root, APP_ENTRY_URL)?.file).toBe(path.join(root, 'index.html'));
    expect(rendererFileFor(root, 'app://lathe/assets/index.js')).toEqual({
      file: path.join(root, 'assets', 'index.js'),
      type: 'text/javascript; charset=utf-8',
    });
  });

  it.each([
    'app://lathe/..%2Flathe-secret.txt',
    'app://lathe/assets/%2e%2e%2f%2e%2e%2flathe-secret.txt',
    'app://lathe/..%5Clathe-secret.txt',
    'app://lathe/index.html%00.js',
    'app://lathe/%E0%A4%A',
    'app://evil/index.html',
    'https://lathe/index.html',
  ])('refuses %s', (url) => {
    expect(rendererFileFor(root, url)).toBeNull();
  });

  it('serves files with the CSP header and answers 404 to traversal', async () => {
    let handler: ((request: Request) => Promise<Response>) | undefined;
    const protocol = { handle: (_scheme: string, h: typeof handler) => void (handler = h) };
    serveRenderer(protocol as unknown as Pick<Protocol, 'handle'>, root, () => CONTENT_SECURITY_POLICY, recordingLogger());
    const page = await handler!({ url: APP_ENTRY_URL } as Request);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Lathe</title>');
    const refused = await handler!({ url: 'app://lathe/..%2Flathe-secret.txt' } as Request);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('secret');
    expect((await handler!({ url: 'app://evil/index.html' } as Request)).status).toBe(404);
  });
});
