import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { safeDecodeURIComponent } from '../util/text';

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname.toLowerCase());
}

/** The hostname part of a Host header ("127.0.0.1:8123" → "127.0.0.1", "[::1]:80" → "[::1]"). */
export function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.split(':')[0] ?? '';
}

/** Against DNS rebinding: only requests addressed to a loopback name are served. */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && isLoopbackHostname(hostnameOf(host));
}

/** The Electron renderer's scheme and host (electron/security.ts serves it there). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lathe';
export const APP_PROTOCOL_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * A browser Origin, when sent, must be this server's own page (a loopback name on this very port)
 * or the Electron app. Other local ports are other sites: a notebook's output or a dev server
 * must not ride on our cookie.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  if (origin === APP_PROTOCOL_ORIGIN) return true;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isLoopbackHostname(url.hostname) && (url.port === '' ? 80 : Number(url.port)) === port;
  } catch {
    return false;
  }
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieName(port: number): string {
  return `lathe_token_${port}`;
}

/** Cookies by name; a value that is not valid percent-encoding is skipped, never thrown on. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const value = safeDecodeURIComponent(part.slice(eq + 1).trim());
    if (value !== null) cookies.set(part.slice(0, eq).trim(), value);
  }
  return cookies;
}

/** The token a request presents: `Authorization: Bearer …`, else our session cookie. */
export function presentedToken(headers: IncomingHttpHeaders, port: number): string | null {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return parseCookies(headers.cookie).get(cookieName(port)) ?? null;
}
