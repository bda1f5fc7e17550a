import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNELS, EVENTS } from '../contract/channels';
import { fail } from '../contract/result';
import type { EventBus } from '../api/eventBus';
import type { Router } from '../api/router';
import type { Logger } from '../log/logger';
import { randomBytes } from 'node:crypto';
import { safeDecodeURIComponent } from '../util/text';
import { cookieName, isAllowedOrigin, isLoopbackHost, presentedToken, tokensEqual } from './auth';
import { rendererCsp, resolveStatic } from './staticFiles';
import type { WireAdapter } from './wire';
import { isJupyterPath, type JupyterProxy } from './jupyterProxy';

export interface LoopbackServerOptions {
  router: Router;
  bus: EventBus;
  logger: Logger;
  token: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (out/renderer) for browser mode; null serves the API only. */
  staticDir?: string | null;
  adapters?: WireAdapter[];
  /** /jupyter/ (HTTP and WebSocket) forwarded to the notebook server (main/server/jupyterProxy.ts). */
  jupyter?: JupyterProxy;
  /** Milliseconds since the epoch; injectable so tests can expire launch codes. */
  clock?: () => number;
}

const MAX_CALL_BODY = 16 * 1024 * 1024;
/** How long a one-time launch code (for a browser window opened by Lathe) stays valid. */
const LAUNCH_CODE_TTL_MS = 60_000;

/** A raw path with `.` or `..` segments (plain or percent-encoded): refused rather than normalized. */
function hasDotSegments(rawPath: string): boolean {
  return rawPath.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/**
 * The loopback door: the contract over HTTP (`POST /api/call/<channel>`) and WebSocket
 * (`/api/ws`), the built renderer for browser mode, and protocol adapters (SageMaker wire).
 * Binds 127.0.0.1 only; every request needs the token; non-loopback Host/Origin are refused.
 */
export class LoopbackServer {
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private eventSubscription: { dispose(): void } | null = null;
  private readonly launchCodes = new Map<string, number>();

  constructor(private readonly options: LoopbackServerOptions) {
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        options.logger.error(`request ${req.method} ${req.url?.split('?')[0]} failed`, error);
        if (!res.headersSent) sendJson(res, 500, fail('internal', 'the server failed to answer; see the log'));
        else res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CALL_BODY });
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The URL a person opens: the token rides in the query once and becomes a cookie. */
  get browserUrl(): string {
    return `${this.url}/?token=${this.options.token}`;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.eventSubscription = this.options.bus.onEvent((name, payload) => {
      const message = JSON.stringify({ type: 'event', name, payload });
      for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send(message);
    });
    this.options.logger.info(`listening on ${this.url}`);
    return this.url;
  }

  private now(): number {
    return this.options.clock?.() ?? Date.now();
  }

  private refuse(req: IncomingMessage): { status: number; message: string } | null {
    if (!isLoopbackHost(req.headers.host)) return { status: 403, message: 'Host must be a loopback address' };
    if (!isAllowedOrigin(req.headers.origin, this.port)) return { status: 403, message: 'cross-origin requests are refused' };
    if (hasDotSegments((req.url ?? '/').split('?')[0] ?? '/')) return { status: 400, message: 'paths with . or .. segments are refused' };
    return null;
  }

  /**
   * A one-time code for opening the UI in a browser window: unlike the token, it may appear in a
   * command line, since it is worthless once used or after a minute.
   */
  createLaunchUrl(): string {
    const now = this.now();
    for (const [code, expires] of this.launchCodes) if (expires < now) this.launchCodes.delete(code);
    const code = randomBytes(18).toString('hex');
    this.launchCodes.set(code, now + LAUNCH_CODE_TTL_MS);
    return `${this.url}/?code=${code}`;
  }

  private redeemLaunchCode(code: string): boolean {
    const expires = this.launchCodes.get(code);
    this.launchCodes.delete(code);
    return expires !== undefined && expires >= this.now();
  }

  private authorized(req: IncomingMessage): boolean {
    const token = presentedToken(req.headers, this.port);
    return token !== null && tokensEqual(token, this.options.token);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = this.refuse(req);
    if (refusal) return sendJson(res, refusal.status, fail('permission-denied', refusal.message));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (this.options.jupyter && isJupyterPath(url.pathname)) return this.options.jupyter.handleRequest(req, res, this.authorized(req));

    const adapter = this.options.adapters?.find((a) => a.matches(method, url.pathname, req.headers));
    if (adapter) {
      if (adapter.auth === 'bearer' && !this.authorized(req)) return this.unauthorized(res);
      return this.serveAdapter(adapter, req, res, method);
    }

    // First visit from the printed URL (or a one-time launch code): trade it for an HttpOnly cookie.
    const queryToken = url.searchParams.get('token');
    const launchCode = url.searchParams.get('code');
    if (
      method === 'GET' &&
      ((queryToken !== null && tokensEqual(queryToken, this.options.token)) || (launchCode !== null && this.redeemLaunchCode(launchCode)))
    ) {
      url.searchParams.delete('token');
      url.searchParams.delete('code');
      res.writeHead(302, {
        location: url.pathname + (url.search || ''),
        'set-cookie': `${cookieName(this.port)}=${encodeURIComponent(this.options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (!this.authorized(req)) return this.unauthorized(res);

    if (url.pathname.startsWith('/api/call/')) {
      if (method !== 'POST') return sendJson(res, 405, fail('invalid-argument', 'use POST for /api/call'), { allow: 'POST' });
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return sendJson(res, 415, fail('invalid-argument', 'send the payload as Content-Type: application/json'));
      }
      const channel = safeDecodeURIComponent(url.pathname.slice('/api/call/'.length));
      if (channel === null) return sendJson(res, 400, fail('invalid-argument', 'the channel in the path is not valid percent-encoding'));
      return this.serveCall(channel, req, res);
    }
    if (url.pathname === '/api/session/launch-url' && method === 'POST') return sendJson(res, 200, { url: this.createLaunchUrl() });
    if (url.pathname === '/api/contract') return sendJson(res, 200, { channels: CHANNELS, events: EVENTS });
    if (method === 'GET' && this.options.staticDir) return this.serveStatic(url.pathname, res);
    sendJson(res, 404, fail('not-found', `nothing is served at ${url.pathname}`));
  }

  private unauthorized(res: ServerResponse): void {
    sendJson(res, 401, fail('permission-denied', 'a valid Lathe token is required (Authorization: Bearer <token>)'), {
      'www-authenticate': 'Bearer realm="lathe"',
    });
  }

  private async serveCall(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let payload: unknown;
    try {
      const body = await readBody(req, MAX_CALL_BODY);
      payload = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return sendJson(res, 413, fail('invalid-argument', `request body is over ${MAX_CALL_BODY} bytes`), { connection: 'close' });
      }
      return sendJson(res, 400, fail('invalid-argument', 'request body is not valid JSON'));
    }
    const actor = typeof req.headers['x-lathe-actor'] === 'string' ? req.headers['x-lathe-actor'].slice(0, 64) : 'http';
    sendJson(res, 200, await this.options.router.call(channel, payload, { transport: 'http', actor }));
  }

  private async serveAdapter(adapter: WireAdapter, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const head = { method, url: req.url ?? '/', headers: req.headers };
    let reply;
    try {
      reply = await adapter.handle({ ...head, body: await readBody(req, adapter.maxBodyBytes) });
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      reply = adapter.tooLarge(head);
      res.setHeader('connection', 'close');
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private serveStatic(pathname: string, res: ServerResponse): void {
    const found = resolveStatic(this.options.staticDir as string, pathname);
    if (!found) return sendJson(res, 404, fail('not-found', `no file at ${pathname}`));
    res.writeHead(200, {
      'content-type': found.type,
      'content-security-policy': rendererCsp(),
      'x-content-type-options': 'nosniff',
      'cache-control': found.type.startsWith('text/html') ? 'no-store' : 'max-age=3600',
    });
    fs.createReadStream(found.file)
      .on('error', (error) => {
        this.options.logger.warn(`could not read ${found.file}`, error);
        res.destroy();
      })
      .pipe(res);
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    try {
      this.upgrade(req, socket, head);
    } catch (error) {
      this.options.logger.error('WebSocket upgrade failed', error);
      socket.destroy();
    }
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refusal = this.refuse(req);
    if (!refusal && this.options.jupyter && isJupyterPath(url.pathname)) return this.options.jupyter.handleUpgrade(req, socket, head, this.authorized(req));
    const status = refusal ? refusal.status : !this.authorized(req) ? 401 : url.pathname !== '/api/ws' ? 404 : 0;
    if (status !== 0) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
  }

  private onSocket(ws: WebSocket): void {
    ws.send(JSON.stringify({ type: 'hello', channels: CHANNELS, events: EVENTS }));
    ws.on('message', (data) => {
      const reply = (id: unknown, result: unknown) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, result }));
      };
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return reply(null, fail('invalid-argument', 'message is not valid JSON'));
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        return reply(null, fail('invalid-argument', 'message must be a JSON object like {"type":"call","id":1,"channel":"app.info","payload":{}}'));
      }
      const { type, id = null, channel, payload } = message as Record<string, unknown>;
      if (type !== 'call') return reply(id, fail('invalid-argument', `unknown message type ${JSON.stringify(type)}; only "call" is understood`));
      this.options.router
        .call(channel, payload, { transport: 'ws', actor: 'ui' })
        .then((result) => reply(id, result))
        .catch((error: unknown) => {
          this.options.logger.error('WebSocket call failed', error);
          reply(id, fail('internal', 'the call failed unexpectedly; see the log'));
        });
    });
  }

  async dispose(): Promise<void> {
    this.eventSubscription?.dispose();
    this.options.jupyter?.dispose();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
