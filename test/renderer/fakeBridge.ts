import { CHANNELS, type Channel, type ChannelResponses, type EventName, type EventPayloads } from '../../main/contract/channels';
import type { LatheBridge } from '../../main/contract/bridge';
import { fail, ok, type Result } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { events, settings, systemInfo } from './fixtures';
import { algorithms } from './jobFixtures';

type Handlers = { [C in Channel]?: (payload: RequestOf<C>) => Result<ChannelResponses[C]> | Promise<Result<ChannelResponses[C]>> };

/** A LatheBridge answering from fixtures; tests override handlers and push events. */
export class FakeBridge implements LatheBridge {
  readonly channels = CHANNELS;
  readonly calls: Array<{ channel: Channel; payload: unknown }> = [];
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  handlers: Handlers = {
    'app.info': () => ok({ name: 'Lathe', version: '0.1.0', home: '/tmp/lathe', logsDir: '/tmp/lathe/logs', storePath: '/tmp/lathe/lathe.db', pid: 1, startedAt: new Date().toISOString() }),
    'system.info': () => ok(systemInfo),
    'system.probePython': ({ path }) => ok({ ...systemInfo.python.envs[0]!, path, realPath: path }),
    'settings.get': () => ok(settings),
    'settings.update': ({ patch }) =>
      ok({
        ...settings,
        ...(patch.theme ? { theme: patch.theme } : {}),
        ...(patch.dataFolders ? { dataFolders: patch.dataFolders } : {}),
        ...(patch.pythonPath !== undefined ? { pythonPath: patch.pythonPath } : {}),
        concurrency: { ...settings.concurrency, ...(patch.concurrency as object | undefined) },
      }),
    'events.list': () => ok(events),
    'training.list': () => ok({ TrainingJobSummaries: [] }),
    'processing.list': () => ok({ ProcessingJobSummaries: [] }),
    'training.algorithms': () => ok({ algorithms }),
    'training.describe': ({ TrainingJobName }) => fail('not-found', `Training job ${TrainingJobName} does not exist.`),
    'training.logs': () => ok({ lines: [], start: 0, next: 0, total: 0, complete: true }),
    'training.metrics': () => ok({ series: [] }),
    'experiments.list': () => ok({ experiments: [] }),
    'runs.search': () => ok({ runs: [] }),
    'runs.get': ({ runId }) => fail('not-found', `Run ${runId} does not exist.`),
    'runs.metricHistory': ({ key }) => ok({ key, total: 0, points: [] }),
    'files.list': ({ path }) => ok({ path: path ?? '/home/me', parent: path === '/' ? null : '/', entries: [], truncated: false }),
  };

  constructor(overrides: Handlers = {}) {
    this.handlers = { ...this.handlers, ...overrides };
  }

  async call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Result<ChannelResponses[C]>> {
    this.calls.push({ channel, payload });
    const handler = this.handlers[channel] as ((p: RequestOf<C>) => Result<ChannelResponses[C]> | Promise<Result<ChannelResponses[C]>>) | undefined;
    if (!handler) return { ok: false, error: { code: 'unavailable', message: `${channel} is not faked` } };
    return handler(payload);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: EventPayloads[E]) => void)(payload);
  }

  callsTo(channel: Channel): unknown[] {
    return this.calls.filter((call) => call.channel === channel).map((call) => call.payload);
  }
}
