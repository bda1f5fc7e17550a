import fs from 'node:fs';
import path from 'node:path';
import { safeDecodeURIComponent } from '../util/text';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** Resolves a URL path to a file inside `root`, refusing anything that escapes it. SPA fallback to index.html. */
export function resolveStatic(rootDir: string, urlPath: string): { file: string; type: string } | null {
  const root = path.resolve(rootDir);
  const decoded = safeDecodeURIComponent(urlPath);
  if (decoded === null || decoded.includes('\0')) return null;
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
  const file = fs.existsSync(candidate) && fs.statSync(candidate).isFile() ? candidate : path.join(root, 'index.html');
  if (!fs.existsSync(file)) return null;
  return { file, type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
}

/**
 * The renderer's Content-Security-Policy, the one policy both doors serve: browser mode here and
 * the Electron app (electron/security.ts adds its loopback origins and the dev server).
 * No 'unsafe-eval', ever.
 */
export function rendererCsp(extra: { scriptSrc?: readonly string[]; connectSrc?: readonly string[] } = {}): string {
  const sources = (base: string, more: readonly string[] = []) => [...new Set([base, ...more])].join(' ');
  return [
    "default-src 'self'",
    `script-src ${sources("'self'", extra.scriptSrc)}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${sources("'self'", extra.connectSrc)}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
