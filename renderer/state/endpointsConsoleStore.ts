import { create } from 'zustand';
import type { InvokeResult } from '../../main/contract/endpoints';
import type { LatheError } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { getBridge } from '../api/client';
import { errorLabel, isBase64, preview } from '../panes/endpoints/endpointFormat';

/** Requests the history keeps per endpoint. */
export const HISTORY_SIZE = 50;

export const CONTENT_TYPES = ['text/csv', 'application/json', 'application/x-npy'] as const;
export type ConsoleContentType = (typeof CONTENT_TYPES)[number];
/** '' lets the model pick (it answers in the request's type). */
export const ACCEPTS = ['', 'text/csv', 'application/json'] as const;

export interface ConsoleDraft {
  contentType: ConsoleContentType;
  accept: string;
  body: string;
  /** '' routes by the variants' weights. */
  targetVariant: string;
}

/** One request and what came back. */
export interface ConsoleAnswer {
  id: number;
  /** ISO time it was sent. */
  at: string;
  request: ConsoleDraft;
  result: { ok: true; value: InvokeResult } | { ok: false; error: LatheError };
  /** Time from send to answer in this window, milliseconds. */
  roundTripMs: number;
}

export interface HistoryEntry {
  id: number;
  at: string;
  request: ConsoleDraft;
  ok: boolean;
  /** "OK", "ModelError 415", … */
  status: string;
  /** Model + overhead latency for an answer; the round trip for an error. */
  latencyMs: number;
  preview: string;
}

export interface SampleState {
  state: 'loading' | 'ready' | 'failed';
  /** Where the prefilled payload came from. */
  source?: string;
  /** Why there is none: main's words. */
  hint?: string;
}

export const EMPTY_CONSOLE: ConsoleDraft = { contentType: 'text/csv', accept: 'text/csv', body: '', targetVariant: '' };

interface ConsoleState {
  /** Everything below is by EndpointName. */
  drafts: Record<string, ConsoleDraft>;
  samples: Record<string, SampleState>;
  sending: Record<string, boolean>;
  answers: Record<string, ConsoleAnswer>;
  history: Record<string, HistoryEntry[]>;
  /** A payload problem found before sending (x-npy that is not base64). */
  bodyErrors: Record<string, string>;
  edit(endpoint: string, change: Partial<ConsoleDraft>): void;
  /** Prefills an empty payload from endpoints.sample, once per endpoint. */
  loadSample(endpoint: string): Promise<void>;
  send(endpoint: string): Promise<void>;
  /** Puts a history entry's request back in the form. */
  restore(endpoint: string, id: number): void;
}

/** endpoints.invoke's request for a console draft. */
export function invokeRequest(endpoint: string, draft: ConsoleDraft): RequestOf<'endpoints.invoke'> {
  const npy = draft.contentType === 'application/x-npy';
  return {
    EndpointName: endpoint,
    Body: npy ? draft.body.replace(/\s+/g, '') : draft.body,
    ContentType: draft.contentType,
    ...(npy ? { BodyEncoding: 'base64' as const } : {}),
    ...(draft.accept ? { Accept: draft.accept } : {}),
    ...(draft.targetVariant ? { TargetVariant: draft.targetVariant } : {}),
  };
}

/** Why a draft cannot be sent, or null. */
export function bodyProblem(draft: ConsoleDraft): string | null {
  if (draft.body.trim() === '') return 'Type a payload first.';
  if (draft.contentType === 'application/x-npy' && !isBase64(draft.body)) return 'An application/x-npy payload is typed as base64 (numpy.save output, base64-encoded).';
  return null;
}

let nextId = 1;

/** The test console of each endpoint: its form, the last answer and the last 50 requests. */
export const useEndpointsConsoleStore = create<ConsoleState>()((set, get) => ({
  drafts: {},
  samples: {},
  sending: {},
  answers: {},
  history: {},
  bodyErrors: {},

  edit(endpoint, change) {
    set((state) => {
      const bodyErrors = { ...state.bodyErrors };
      delete bodyErrors[endpoint];
      return { drafts: { ...state.drafts, [endpoint]: { ...(state.drafts[endpoint] ?? EMPTY_CONSOLE), ...change } }, bodyErrors };
    });
  },

  async loadSample(endpoint) {
    if (get().samples[endpoint]) return;
    set((state) => ({ samples: { ...state.samples, [endpoint]: { state: 'loading' } } }));
    const result = await getBridge().call('endpoints.sample', { EndpointName: endpoint });
    if (!result.ok) {
      set((state) => ({ samples: { ...state.samples, [endpoint]: { state: 'failed', hint: result.error.message } } }));
      return;
    }
    set((state) => {
      const draft = state.drafts[endpoint] ?? EMPTY_CONSOLE;
      // What the person typed meanwhile stays.
      const fill = draft.body.trim() === '' ? { drafts: { ...state.drafts, [endpoint]: { ...draft, body: result.value.Body, contentType: result.value.ContentType } } } : {};
      return { ...fill, samples: { ...state.samples, [endpoint]: { state: 'ready', source: result.value.Source } } };
    });
  },

  async send(endpoint) {
    if (get().sending[endpoint]) return;
    const draft = get().drafts[endpoint] ?? EMPTY_CONSOLE;
    const problem = bodyProblem(draft);
    if (problem) {
      set((state) => ({ bodyErrors: { ...state.bodyErrors, [endpoint]: problem } }));
      return;
    }
    set((state) => ({ sending: { ...state.sending, [endpoint]: true } }));
    const at = new Date().toISOString();
    const started = performance.now();
    const result = await getBridge().call('endpoints.invoke', invokeRequest(endpoint, draft));
    const roundTripMs = performance.now() - started;
    const answer: ConsoleAnswer = { id: nextId++, at, request: draft, result, roundTripMs };
    const entry: HistoryEntry = {
      id: answer.id,
      at,
      request: draft,
      ok: result.ok,
      status: result.ok ? 'OK' : errorLabel(result.error),
      latencyMs: result.ok ? result.value.ModelLatencyMs + result.value.OverheadLatencyMs : roundTripMs,
      preview: preview(draft.body),
    };
    set((state) => ({
      sending: { ...state.sending, [endpoint]: false },
      answers: { ...state.answers, [endpoint]: answer },
      history: { ...state.history, [endpoint]: [entry, ...(state.history[endpoint] ?? [])].slice(0, HISTORY_SIZE) },
    }));
  },

  restore(endpoint, id) {
    const entry = get().history[endpoint]?.find((e) => e.id === id);
    if (entry) get().edit(endpoint, entry.request);
  },
}));
