/** Recording fakes for the bits of Electron that electron/ touches. */
import { vi } from 'vitest';
import type { Logger } from '../../main/log/logger';

type Listener = (...args: never[]) => unknown;

/** A minimal EventEmitter that remembers what was registered, for `on`/`once` based APIs. */
export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(name: string, listener: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }

  once(name: string, listener: Listener): this {
    return this.on(name, listener);
  }

  removeListener(name: string, listener: Listener): this {
    this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== listener));
    return this;
  }

  emit(name: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(name) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }

  count(name: string): number {
    return this.listeners.get(name)?.length ?? 0;
  }
}

export interface RecordedLog {
  level: string;
  message: string;
}

export function recordingLogger(lines: RecordedLog[] = []): Logger & { lines: RecordedLog[] } {
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  const logger = {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

/** A navigation-style Electron event. */
export function fakeEvent(url = '') {
  return { url, preventDefault: vi.fn() };
}
