/**
 * /jupyter/ on the loopback server: HTTP and WebSocket upgrades forwarded to the Jupyter server,
 * the caller's credential swapped for Jupyter's own token on the way in. A caller presents either
 * the proxy token of a server start (`Authorization: token …` on HTTP, `?token=` on WebSocket URLs,
 * as @jupyterlab/services sends them), good for /jupyter/ only, or Lathe's own credential (bearer
 * or cookie). Jupyter's token never leaves main: it is not in any response, and Jupyter's cookies
 * are not passed on. The loopback server has already checked Host and Origin.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fail } from '../contract/result';
import type { Logger } from '../log/logger';
import { APP_PROTOCOL_ORIGIN } from './auth';
import { safeDecodeURIComponent } from '../util/text';

/** Where a request goes, as the notebooks service decides from the credential it presents. */
export type JupyterRoute = { kind: 'server'; port: number; token: string } | { kind: 'not-running'; state: string } | { kind: 'unauthorized' };

export interface JupyterProxyOptions {
  route(proxyToken: string | null, latheAuthorized: boolean): JupyterRoute;
  logger: Logger;
}

export const JUPYTER_PREFIX = '/jupyter/';

export function isJupyterPath(pathname: string): boolean {
  return pathname === '/jupyter' || pathname.startsWith(JUPYTER_PREFIX);
}

/** Hop-by-hop headers, and what carries a credential: never forwarded as they came. */
const DROPPED_REQUEST = new Set(['host', 'authorization', 'cookie', 'origin', 'referer', 'accept-encoding', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const DROPPED_RESPONSE = new Set(['set-cookie', 'connection', 'keep-alive', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The token in `Authorization: token …`, else in the query. */
export function presentedProxyToken(headers: IncomingHttpHeaders, search: URLSearchParams): string | null {
  const auth = headers.authorization;
  if (auth && /^token\s+/i.test(auth)) return auth.replace(/^token\s+/i, '').trim();
  return search.get('token');
}

/** The path and query to forward: the `token` parameter removed, everything else byte for byte. */
export function forwardedPath(rawUrl: string): string {
  const at = rawUrl.indexOf('?');
  if (at < 0) return rawUrl;
  const kept = rawUrl
    .slice(at + 1)
    .split('&')
    .filter((part) => part !== '' && safeDecodeURIComponent(part.split('=')[0]!.replace(/\+/g, ' ')) !== 'token');
  return kept.length > 0 ? `${rawUrl.slice(0, at)}?${kept.join('&')}` : rawUrl.slice(0, at);
}

function forwardedHeaders(req: IncomingMessage, port: number, token: string): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!DROPPED_REQUEST.has(name) && value !== undefined) headers[name] = value;
  headers.host = `127.0.0.1:${port}`;
  headers.authorization = `token ${token}`;
  // A body without a length came chunked: say so upstream, or Node writes it raw onto a pooled
  // socket (for GET, HEAD, DELETE, OPTIONS), where it would read as a second, smuggled request.
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';
  return headers;
}

/** The Electron page (app://lathe) is another origin than the loopback server: it needs CORS answers. */
function corsHeaders(req: IncomingMessage): Record<string, string> {
  if (req.headers.origin !== APP_PROTOCOL_ORIGIN) return {};
  return { 'access-control-allow-origin': APP_PROTOCOL_ORIGIN, vary: 'Origin' };
}

function scrub(text: string, token: string): string {
  return text.split(token).join('');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function refusal(route: Exclude<JupyterRoute, { kind: 'server' }>): { status: number; body: unknown } {
  if (route.kind === 'unauthorized') {
    return { status: 401, body: fail('permission-denied', 'a notebook server token is required: the Token from notebooks.start, as `Authorization: token <Token>` (or ?token= on a WebSocket URL)') };
  }
  const why = route.state === 'starting' ? 'is still starting; try again in a moment' : route.state === 'failed' ? 'failed; notebooks.server says why' : 'is not running; start it with notebooks.start';
  return { status: 503, body: fail('unavailable', `the notebook server ${why}`) };
}

export class JupyterProxy {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly upstreams = new Set<Socket>();

  constructor(private readonly options: JupyterProxyOptions) {}

  private routeOf(req: IncomingMessage, latheAuthorized: boolean): JupyterRoute {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    return this.options.route(presentedProxyToken(req.headers, url.searchParams), latheAuthorized);
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, latheAuthorized: boolean): void {
    const cors = corsHeaders(req);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      // A CORS preflight carries no credential; it only learns what the real request may send.
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, x-xsrftoken',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const route = this.routeOf(req, latheAuthorized);
    if (route.kind !== 'server') {
      const { status, body } = refusal(route);
      req.resume();
      return sendJson(res, status, body, status === 401 ? { ...cors, 'www-authenticate': 'token realm="jupyter"' } : cors);
    }
    res.socket?.setNoDelay(true);
    const upstream = http.request(
      { host: '127.0.0.1', port: route.port, method: req.method, path: forwardedPath(req.url ?? '/'), headers: forwardedHeaders(req, route.port, route.token), agent: this.agent },
      (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (DROPPED_RESPONSE.has(name) || name.startsWith('access-control-') || value === undefined) continue;
          // A redirect must not carry Jupyter's token back.
          headers[name] = name === 'location' ? scrub(String(value), route.token) : value;
        }
        Object.assign(headers, cors);
        answer.on('error', () => res.destroy());
        if (!String(answer.headers['content-type'] ?? '').startsWith('text/html')) {
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
          answer.pipe(res);
          return;
        }
        // Jupyter's pages carry its token (data-jupyter-api-token) to a caller it authenticated: read them whole and take it out.
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.from(scrub(Buffer.concat(chunks).toString('utf8'), route.token));
          delete headers['content-length'];
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, { ...headers, 'content-length': String(body.length) });
          res.end(body);
        });
      },
    );
    upstream.on('socket', (socket) => socket.setNoDelay(true));
    upstream.on('error', (error) => {
      if (res.destroyed) return; // the caller went away first
      this.options.logger.warn(`proxying ${req.method} ${req.url?.split('?')[0]} to the notebook server failed: ${error.message}`);
      if (!res.headersSent) sendJson(res, 502, fail('unavailable', `the notebook server did not answer (${error.message}); notebooks.server shows its state`), cors);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, latheAuthorized: boolean): void {
    const route = this.routeOf(req, latheAuthorized);
    if (route.kind !== 'server') {
      const { status, body } = refusal(route);
      const text = JSON.stringify(body);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      return;
    }
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.setNoDelay(true);
    const headers = forwardedHeaders(req, route.port, route.token);
    delete headers['transfer-encoding'];
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    const upstream = http.request({ host: '127.0.0.1', port: route.port, method: req.method, path: forwardedPath(req.url ?? '/'), headers });
    const close = () => socket.destroy();
    socket.on('error', close);
    socket.on('close', () => upstream.destroy());
    upstream.on('upgrade', (answer, upSocket, upHead) => {
      upSocket.setNoDelay(true);
      this.upstreams.add(upSocket);
      const lines = [`HTTP/1.1 ${answer.statusCode ?? 101} ${answer.statusMessage ?? 'Switching Protocols'}`];
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
        if ((answer.rawHeaders[i] as string).toLowerCase() !== 'set-cookie') lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      }
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      upSocket.pipe(socket).pipe(upSocket);
      const end = () => {
        this.upstreams.delete(upSocket);
        upSocket.destroy();
        socket.destroy();
      };
      upSocket.on('error', end).on('close', end);
      socket.on('close', end);
    });
    upstream.on('response', (answer) => {
      // Jupyter refused the upgrade (an unknown kernel: 404), or answered it as a page: its status
      // only. A body could be a page that carries Jupyter's token.
      answer.resume();
      socket.end(`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    upstream.on('error', (error) => {
      this.options.logger.warn(`proxying a WebSocket to the notebook server failed: ${error.message}`);
      const text = JSON.stringify(fail('unavailable', `the notebook server did not answer (${error.message})`));
      socket.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    });
    upstream.end();
  }

  dispose(): void {
    for (const socket of this.upstreams) socket.destroy();
    this.upstreams.clear();
    this.agent.destroy();
  }
}
