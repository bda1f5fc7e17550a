import { create } from 'zustand';
import type { EndpointChange, EndpointConfigDescription, EndpointDescription, EndpointSummary } from '../../main/contract/endpoints';
import type { LatheError, Result } from '../../main/contract/result';
import { getBridge } from '../api/client';

/** Pages of 100 fetched at most (10,000 endpoints, configs). */
const MAX_PAGES = 100;
/** Endpoints described for the list's variants column; beyond this the column says "—". */
export const DESCRIBED = 100;

export type EndpointsView = { mode: 'list' } | { mode: 'detail'; name: string };

export interface ConfigSummary {
  EndpointConfigName: string;
  CreationTime: string;
}

interface EndpointsState {
  /** By EndpointName. */
  endpoints: Record<string, EndpointSummary>;
  /** By EndpointName: the latest describe (variants, FailureReason, pending config). */
  descriptions: Record<string, EndpointDescription>;
  /** By EndpointName: the latest describe that failed (not-found removes the endpoint instead). */
  describeErrors: Record<string, LatheError>;
  loading: boolean;
  loaded: boolean;
  error: LatheError | null;
  view: EndpointsView;
  load(): Promise<void>;
  ensureLoaded(): void;
  show(view: EndpointsView): void;
  describe(name: string): Promise<void>;
  /** Every endpoint config, newest first (for Update). */
  listConfigs(): Promise<Result<ConfigSummary[]>>;
  describeConfig(name: string): Promise<Result<EndpointConfigDescription>>;
  /** UpdateEndpoint; answers main's error for the dialog, or null once accepted. */
  update(name: string, config: string): Promise<LatheError | null>;
  /** DeleteEndpoint; answers main's error for the dialog, or null once deleted. */
  remove(name: string): Promise<LatheError | null>;
  /** From main's endpoints.changed. */
  endpointChanged(change: EndpointChange): void;
}

async function listAll<T>(page: (token: string | undefined) => Promise<Result<{ items: T[]; next?: string }>>): Promise<Result<T[]>> {
  const items: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const result = await page(token);
    if (!result.ok) return result;
    items.push(...result.value.items);
    token = result.value.next;
    if (!token) break;
  }
  return { ok: true, value: items };
}

function summaryOf(d: EndpointDescription): EndpointSummary {
  return { EndpointName: d.EndpointName, EndpointArn: d.EndpointArn, EndpointStatus: d.EndpointStatus, CreationTime: d.CreationTime, LastModifiedTime: d.LastModifiedTime };
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

/** Newest first, as the list shows them. */
export function sortedEndpoints(endpoints: Record<string, EndpointSummary>): EndpointSummary[] {
  return Object.values(endpoints).sort((a, b) => b.CreationTime.localeCompare(a.CreationTime) || a.EndpointName.localeCompare(b.EndpointName));
}

/** The status to show: the describe's when it is at least as new as the list's summary. */
export function statusOf(summary: EndpointSummary | undefined, description: EndpointDescription | undefined): EndpointSummary['EndpointStatus'] | undefined {
  if (!description) return summary?.EndpointStatus;
  if (!summary) return description.EndpointStatus;
  return Date.parse(summary.LastModifiedTime) > Date.parse(description.LastModifiedTime) ? summary.EndpointStatus : description.EndpointStatus;
}

let listRequest = 0;
/** Per endpoint, the latest describe: an older answer is dropped. */
const describeRequests = new Map<string, number>();

/** Local endpoints, each described, kept live by endpoints.changed; and where the pane is. */
export const useEndpointsStore = create<EndpointsState>()((set, get) => ({
  endpoints: {},
  descriptions: {},
  describeErrors: {},
  loading: false,
  loaded: false,
  error: null,
  view: { mode: 'list' },

  async load() {
    const request = ++listRequest;
    set({ loading: true });
    const result = await listAll(async (NextToken) => {
      const page = await getBridge().call('endpoints.list', { SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100, ...(NextToken ? { NextToken } : {}) });
      return page.ok ? { ok: true, value: { items: page.value.Endpoints, next: page.value.NextToken } } : page;
    });
    if (request !== listRequest) return;
    if (!result.ok) {
      set({ loading: false, error: result.error });
      return;
    }
    const endpoints = Object.fromEntries(result.value.map((e) => [e.EndpointName, e]));
    set((state) => ({
      endpoints,
      // Endpoints gone since: their describes go too.
      descriptions: Object.fromEntries(Object.entries(state.descriptions).filter(([name]) => name in endpoints)),
      loading: false,
      loaded: true,
      error: null,
    }));
    const open = get().view;
    await Promise.all([
      ...result.value.slice(0, DESCRIBED).map((e) => get().describe(e.EndpointName)),
      open.mode === 'detail' && !(open.name in endpoints) ? get().describe(open.name) : null,
    ]);
  },

  ensureLoaded() {
    const { loaded, loading } = get();
    if (!loaded && !loading) void get().load();
  },

  show(view) {
    set({ view });
    if (view.mode === 'detail') void get().describe(view.name);
  },

  async describe(name) {
    const request = (describeRequests.get(name) ?? 0) + 1;
    describeRequests.set(name, request);
    const result = await getBridge().call('endpoints.describe', { EndpointName: name });
    if (describeRequests.get(name) !== request) return;
    if (result.ok) {
      const d = result.value;
      set((state) => ({
        descriptions: { ...state.descriptions, [name]: d },
        endpoints: { ...state.endpoints, [name]: summaryOf(d) },
        describeErrors: without(state.describeErrors, name),
      }));
    } else if (result.error.code === 'not-found') {
      set((state) => ({ endpoints: without(state.endpoints, name), descriptions: without(state.descriptions, name), describeErrors: { ...state.describeErrors, [name]: result.error } }));
    } else {
      set((state) => ({ describeErrors: { ...state.describeErrors, [name]: result.error } }));
    }
  },

  listConfigs() {
    return listAll(async (NextToken) => {
      const page = await getBridge().call('endpoints.listConfigs', { SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100, ...(NextToken ? { NextToken } : {}) });
      return page.ok ? { ok: true, value: { items: page.value.EndpointConfigs, next: page.value.NextToken } } : page;
    });
  },

  describeConfig(name) {
    return getBridge().call('endpoints.describeConfig', { EndpointConfigName: name });
  },

  async update(name, config) {
    const result = await getBridge().call('endpoints.update', { EndpointName: name, EndpointConfigName: config });
    if (!result.ok) return result.error;
    void get().describe(name);
    return null;
  },

  async remove(name) {
    const result = await getBridge().call('endpoints.delete', { EndpointName: name });
    if (!result.ok) return result.error;
    set((state) => ({ endpoints: without(state.endpoints, name), descriptions: without(state.descriptions, name), view: state.view.mode === 'detail' && state.view.name === name ? { mode: 'list' } : state.view }));
    return null;
  },

  endpointChanged(change) {
    if (change.kind !== 'endpoint') return;
    const { loaded, view, endpoints } = get();
    const open = view.mode === 'detail' && view.name === change.name;
    if (!loaded && !open) return;
    const known = endpoints[change.name];
    // The event's status shows at once; the describe that follows brings variants and reasons.
    if (known && change.EndpointStatus) set((state) => ({ endpoints: { ...state.endpoints, [change.name]: { ...known, EndpointStatus: change.EndpointStatus!, LastModifiedTime: new Date().toISOString() } } }));
    void get().describe(change.name);
  },
}));
