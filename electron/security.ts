/**
 * Every security default of the desktop app, in one place: web preferences, the Content Security
 * Policy, navigation / window-open / permission verdicts (pure functions, table-tested), and the
 * thin wiring that attaches them to Electron. The renderer is served from `app://lathe/`, never
 * from file://, so it has a real origin and a CSP header.
 */
import fs from 'node:fs/promises';
import type { App, Protocol, Session, Shell, WebContents, WebPreferences } from 'electron';
import type { Logger } from '../main/log/logger';
import { APP_HOST, APP_PROTOCOL_ORIGIN, APP_SCHEME, isLoopbackHostname } from '../main/server/auth';
import { rendererCsp, resolveStatic } from '../main/server/staticFiles';

export { APP_HOST, APP_SCHEME };
/** The renderer's own origin; what a packaged app loads. */
export const APP_ORIGIN = APP_PROTOCOL_ORIGIN;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export type NavigationVerdict = 'allow' | 'open-external' | 'deny';
export type WindowOpenVerdict = 'open-external' | 'deny';

/** Web preferences for every Lathe window: sandboxed, isolated, no Node, no webviews. */
export function webPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether `url` belongs to one of `origins`. Compared on scheme and host (with port), because
 * WHATWG URL reports the origin of custom schemes such as app:// as "null". URLs carrying
 * credentials never match.
 */
function belongsTo(url: URL, origins: readonly string[]): boolean {
  if (url.username !== '' || url.password !== '') return false;
  return origins.some((origin) => {
    const expected = parseUrl(origin);
    return expected !== null && expected.protocol === url.protocol && expected.host === url.host;
  });
}

/** `http(s)://<loopback>:port` normalised to its origin, or null for anything else. */
function loopbackOrigin(value: string): URL | null {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  if (!isLoopbackHostname(url.hostname) || url.username !== '' || url.password !== '') return null;
  return url;
}

/**
 * The origin of the electron-vite dev server named by ELECTRON_RENDERER_URL, when it is a
 * loopback http(s) URL; null otherwise (a remote renderer is never trusted).
 */
export function devServerOrigin(rendererUrl: string | null | undefined): string | null {
  return rendererUrl ? (loopbackOrigin(rendererUrl)?.origin ?? null) : null;
}

/**
 * Where the main window may go. Only our renderer origin (plus the dev server's, when given) is
 * allowed; http/https leave for the OS browser; file:, javascript:, data:, other schemes and
 * anything unparsable are dropped.
 */
export function navigationVerdict(url: string, rendererOrigins: readonly string[] = [APP_ORIGIN]): NavigationVerdict {
  const parsed = parseUrl(url);
  if (!parsed) return 'deny';
  if (belongsTo(parsed, rendererOrigins)) return 'allow';
  if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
    return parsed.username === '' && parsed.password === '' ? 'open-external' : 'deny';
  }
  return 'deny';
}

/** Lathe never opens a second window: http/https go to the OS browser, the rest is dropped. */
export function windowOpenVerdict(url: string, rendererOrigins: readonly string[] = [APP_ORIGIN]): WindowOpenVerdict {
  return navigationVerdict(url, rendererOrigins) === 'open-external' ? 'open-external' : 'deny';
}

/** Permissions our own pages may use; everything else (camera, geolocation, …) is refused. */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

export function permissionVerdict(
  permission: string,
  requestingUrl: string,
  rendererOrigins: readonly string[] = [APP_ORIGIN],
): 'allow' | 'deny' {
  return ALLOWED_PERMISSIONS.includes(permission) && navigationVerdict(requestingUrl, rendererOrigins) === 'allow'
    ? 'allow'
    : 'deny';
}

export interface CspOptions {
  /** The electron-vite dev server (development only): its HMR socket and React's inline preamble. */
  devServerOrigin?: string | null;
}

/**
 * The renderer's Content-Security-Policy. `connect-src` is 'self' plus the loopback origins Lathe
 * owns (the loopback server, Jupyter servers), each over http and ws; non-loopback origins are
 * ignored. No 'unsafe-eval', ever.
 */
export function cspFor(loopbackOrigins: readonly string[], options: CspOptions = {}): string {
  const connect: string[] = [];
  const scripts: string[] = [];
  const allowed = loopbackOrigins.map(loopbackOrigin).filter((url): url is URL => url !== null);
  const dev = options.devServerOrigin ? loopbackOrigin(options.devServerOrigin) : null;
  if (dev) {
    allowed.push(dev);
    scripts.push("'unsafe-inline'");
  }
  for (const url of allowed) {
    const ws = url.protocol === 'https:' ? 'wss:' : 'ws:';
    connect.push(url.origin, `${ws}//${url.host}`);
  }
  return rendererCsp({ scriptSrc: scripts, connectSrc: connect });
}

/** The packaged renderer's CSP: nothing beyond our own origin. */
export const CONTENT_SECURITY_POLICY = cspFor([]);

export interface SecurityOptions {
  app: Pick<App, 'on'>;
  session: Session;
  shell: Pick<Shell, 'openExternal'>;
  logger: Logger;
  /** Origins the main window may show; default only app://lathe. */
  rendererOrigins?: readonly string[];
  /** The CSP to send with every response, read per response so new loopback ports count. */
  csp?: () => string;
}

function openExternal(options: SecurityOptions, url: string): void {
  options.shell.openExternal(url).catch((error: unknown) => options.logger.warn(`could not open ${url} in the browser`, error));
}

/** Navigation, redirect, window-open and webview rules for one webContents. */
export function secureWebContents(contents: WebContents, options: SecurityOptions): void {
  const origins = options.rendererOrigins ?? [APP_ORIGIN];
  const guard = (event: { preventDefault(): void }, url: string) => {
    const verdict = navigationVerdict(url, origins);
    if (verdict === 'allow') return;
    event.preventDefault();
    if (verdict === 'open-external') openExternal(options, url);
    else options.logger.warn(`blocked navigation to ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenVerdict(url, origins) === 'open-external') openExternal(options, url);
    else options.logger.warn(`blocked window.open of ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.logger.warn('blocked a <webview>');
  });
}

/**
 * Installs the session-wide rules (permissions, CSP header) and secures every webContents the
 * app creates from now on. Call once, after `app.whenReady()`, before the first window.
 */
export function applySecurity(options: SecurityOptions): void {
  const origins = options.rendererOrigins ?? [APP_ORIGIN];
  const csp = options.csp ?? (() => CONTENT_SECURITY_POLICY);
  const { session } = options;
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const verdict = permissionVerdict(permission, details.requestingUrl, origins);
    if (verdict === 'deny') options.logger.info(`denied permission ${permission} to ${details.requestingUrl.slice(0, 200)}`);
    callback(verdict === 'allow');
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionVerdict(permission, requestingOrigin, origins) === 'allow');
  session.setDevicePermissionHandler(() => false);
  // A CSP on every response is harmless for fetches and XHRs and covers the dev server's pages.
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp()] } });
  });
  options.app.on('web-contents-created', (_event, contents) => secureWebContents(contents, options));
}

/** Registers app:// as a standard, secure scheme. Must run before `app` is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * The file under `root` that an app:// URL names, or null when the URL is not ours or tries to
 * leave `root` (`..` segments, encoded or not, backslashes, NUL). Unknown paths fall back to
 * index.html (the renderer routes itself).
 */
export function rendererFileFor(root: string, url: string): { file: string; type: string } | null {
  const parsed = parseUrl(url);
  if (!parsed || !belongsTo(parsed, [APP_ORIGIN])) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  return resolveStatic(root, parsed.pathname);
}

/** Serves the built renderer (`root`, i.e. out/renderer) on app://lathe/ with the CSP header. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, root: string, csp: () => string, logger: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = rendererFileFor(root, request.url);
    if (!target) {
      logger.warn(`refused ${request.url.slice(0, 200)}`);
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    try {
      const body = await fs.readFile(target.file);
      return new Response(body, {
        status: 200,
        headers: { 'content-type': target.type, 'content-security-policy': csp(), 'x-content-type-options': 'nosniff' },
      });
    } catch (error) {
      logger.error(`could not read ${target.file}`, error);
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
  });
}
