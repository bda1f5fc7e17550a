import type { EventName, EventPayloads } from '../contract/channels';
import type { Disposable } from '../util/disposable';

export type EventListener = <E extends EventName>(name: E, payload: EventPayloads[E]) => void;

/** Fan-out of `domain.changed` / `domain.log` events to every transport's subscribers. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(name, payload);
      } catch {
        // A broken subscriber must not stop the others; transports log their own failures.
      }
    }
  }

  onEvent(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  get size(): number {
    return this.listeners.size;
  }
}
