/**
 * The contract over the loopback server's WebSocket (`/api/ws`), for browser mode. Same shape as
 * `window.lathe`: request ids correlate answers, calls made before the socket opens wait in a
 * queue, and a lost connection answers every outstanding call with `unavailable` and reconnects
 * with backoff. Authentication is the HttpOnly cookie the server set on the first visit.
 */
import { CHANNELS, isEventName, type Channel, type ChannelResponses, type EventName, type EventPayloads } from '../../main/contract/channels';
import type { LatheBridge } from '../../main/contract/bridge';
import { fail, type Result } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export const CONNECTION_LOST_MESSAGE = 'Lost the connection to Lathe; reconnecting…';

/** The part of the browser's WebSocket this client uses; tests pass a fake class. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface WsClientOptions {
  /** Defaults to the browser's WebSocket. */
  createSocket?: SocketFactory;
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

type Answer = (result: Result<unknown>) => void;

interface ServerMessage {
  type?: unknown;
  id?: unknown;
  result?: unknown;
  name?: unknown;
  payload?: unknown;
  channels?: unknown;
}

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped. Pure. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
}

export class WsClient implements LatheBridge {
  readonly channels: readonly Channel[] = CHANNELS;
  /** What the server said it speaks in its hello; differs from `channels` only across versions. */
  serverChannels: readonly string[] = [];

  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, Answer>();
  private queue: Array<{ id: number; text: string; answer: Answer }> = [];
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private currentState: ConnectionState = 'connecting';
  private attempt = 0;
  private timer: unknown = null;
  private readonly createSocket: SocketFactory;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly url: string,
    options: WsClientOptions = {},
  ) {
    this.createSocket = options.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.connect();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }

  call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Result<ChannelResponses[C]>> {
    if (this.currentState === 'closed') return Promise.resolve(unavailable('The connection to Lathe is closed.'));
    const id = this.nextId++;
    const text = JSON.stringify({ type: 'call', id, channel, payload: payload ?? {} });
    return new Promise((resolve) => {
      const answer = resolve as Answer;
      if (this.socket && this.currentState === 'open') this.send(id, text, answer);
      else this.queue.push({ id, text, answer });
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  /** Closes the socket for good: outstanding calls are answered, no reconnect. */
  dispose(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    this.setState('closed');
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'client closed');
    }
    this.failOutstanding('The connection to Lathe is closed.');
  }

  private connect(): void {
    this.timer = null;
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setState('open');
      const queued = this.queue;
      this.queue = [];
      for (const item of queued) this.send(item.id, item.text, item.answer);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failOutstanding(CONNECTION_LOST_MESSAGE);
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.currentState === 'closed') return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.initialDelayMs, this.maxDelayMs);
    this.timer = this.setTimer(() => this.connect(), delay);
  }

  private send(id: number, text: string, answer: Answer): void {
    this.inFlight.set(id, answer);
    try {
      this.socket?.send(text);
    } catch {
      this.inFlight.delete(id);
      answer(unavailable(CONNECTION_LOST_MESSAGE));
    }
  }

  private receive(data: unknown): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'result' && typeof message.id === 'number') {
      const answer = this.inFlight.get(message.id);
      if (!answer) return;
      this.inFlight.delete(message.id);
      answer(isResult(message.result) ? message.result : internal('Lathe answered with something that is not a Result.'));
    } else if (message.type === 'event' && isEventName(message.name)) {
      for (const listener of [...(this.listeners.get(message.name) ?? [])]) {
        try {
          listener(message.payload as never);
        } catch (error) {
          console.error(`listener for ${message.name} failed`, error);
        }
      }
    } else if (message.type === 'hello' && Array.isArray(message.channels)) {
      this.serverChannels = message.channels.filter((c): c is string => typeof c === 'string');
    }
  }

  private failOutstanding(message: string): void {
    const answers = [...this.inFlight.values(), ...this.queue.map((item) => item.answer)];
    this.inFlight.clear();
    this.queue = [];
    for (const answer of answers) answer(unavailable(message));
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}

const unavailable = <T>(message: string): Result<T> => fail<T>('unavailable', message);
const internal = <T>(message: string): Result<T> => fail<T>('internal', message);

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const candidate = value as { ok: unknown; error?: { code?: unknown; message?: unknown } };
  if (candidate.ok === true) return 'value' in value;
  return candidate.ok === false && typeof candidate.error?.message === 'string' && typeof candidate.error.code === 'string';
}
