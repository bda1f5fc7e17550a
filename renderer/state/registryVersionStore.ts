import { create } from 'zustand';
import { MODEL_CARD_FIELDS, type ApprovalAuditEntry, type EvaluationJob, type ModelApprovalStatus, type ModelCard, type ModelCardContent, type ModelCardExport, type ModelCardField, type ModelPackageDescription, type RegistryChange, type VersionEvidence } from '../../main/contract/registry';
import type { EvaluateRequest } from '../../main/contract/registrySchemas';
import type { LatheError, Result } from '../../main/contract/result';
import { getBridge } from '../api/client';
import { EMPTY_EVALUATION, type EvaluationDraft } from '../panes/registry/evaluationForm';
import { sameName } from '../panes/registry/registryFormat';

export type VersionTab = 'overview' | 'evidence' | 'evaluations' | 'audit' | 'card';

/** One thing read about the open version: its value once read, and the last read's error. */
export interface Part<T> {
  value: T | null;
  error: LatheError | null;
  loading: boolean;
}

type PartName = 'description' | 'evidence' | 'audit' | 'evaluations' | 'card';

export interface ReviewRequest {
  status: ModelApprovalStatus;
  comment: string;
  /** Sent as LatheOverrideReason: approving over unmet gates. */
  overrideReason?: string;
}

interface VersionState {
  arn: string | null;
  tab: VersionTab;
  description: Part<ModelPackageDescription>;
  evidence: Part<VersionEvidence>;
  audit: Part<ApprovalAuditEntry[]>;
  evaluations: Part<EvaluationJob[]>;
  card: Part<ModelCard>;
  /**
   * Unsaved model card edits, by ModelPackageArn. They outlive close() (Back, Esc, another group, a
   * reconnect): reopening the version brings them back. Only a successful save or discardCard drops one.
   */
  cardDrafts: Record<string, ModelCardContent>;
  cardSaving: boolean;
  cardSaveError: LatheError | null;
  /** The Run evaluation form's values: kept across tabs and after an error. */
  evaluationDraft: EvaluationDraft;
  evaluationSubmitting: boolean;
  open(arn: string): void;
  close(): void;
  setTab(tab: VersionTab): void;
  reload(part: PartName): Promise<void>;
  /** updateVersion; answers main's error (the dialog shows it), or null once applied. */
  review(request: ReviewRequest): Promise<LatheError | null>;
  editEvaluation(change: Partial<EvaluationDraft>): void;
  /** registry.evaluate; answers main's error for the form, or null once the job started. */
  runEvaluation(request: EvaluateRequest): Promise<LatheError | null>;
  editCard(field: ModelCardField, text: string): void;
  saveCard(): Promise<boolean>;
  /** Drops the open version's unsaved card edits: the editor shows the card main has. */
  discardCard(): void;
  exportCard(format: ModelCardExport['Format']): Promise<Result<ModelCardExport>>;
  /** From main's registry.changed: re-reads what the change touched of the open version. */
  registryChanged(change: RegistryChange): void;
}

const EMPTY_PART = { value: null, error: null, loading: false };

function closed() {
  return {
    arn: null,
    description: EMPTY_PART,
    evidence: EMPTY_PART,
    audit: EMPTY_PART,
    evaluations: EMPTY_PART,
    card: EMPTY_PART,
    cardSaving: false,
    cardSaveError: null,
    evaluationDraft: EMPTY_EVALUATION,
    evaluationSubmitting: false,
  };
}

/** The card has edits that are not saved. */
export function cardDirty(card: ModelCard | null, draft: ModelCardContent | null): boolean {
  if (!card || !draft) return false;
  return MODEL_CARD_FIELDS.some((field) => card.Content[field] !== draft[field]);
}

/** What the card editor shows for the open version: its unsaved edits, else the card main has. */
export function selectCardDraft(state: Pick<VersionState, 'arn' | 'card' | 'cardDrafts'>): ModelCardContent | null {
  if (!state.arn) return null;
  return state.cardDrafts[state.arn] ?? state.card.value?.Content ?? null;
}

/** `drafts` with `arn`'s draft set, or dropped when `draft` is null. */
function withDraft(drafts: Record<string, ModelCardContent>, arn: string, draft: ModelCardContent | null): Record<string, ModelCardContent> {
  const next = { ...drafts };
  if (draft) next[arn] = draft;
  else delete next[arn];
  return next;
}

async function read(part: PartName, arn: string): Promise<Result<unknown>> {
  const bridge = getBridge();
  switch (part) {
    case 'description':
      return bridge.call('registry.describeVersion', { ModelPackageName: arn });
    case 'evidence':
      return bridge.call('registry.evidence', { ModelPackageArn: arn });
    case 'audit': {
      const result = await bridge.call('registry.audit', { ModelPackageArn: arn });
      return result.ok ? { ok: true, value: result.value.entries } : result;
    }
    case 'evaluations': {
      const result = await bridge.call('registry.evaluations', { ModelPackageArn: arn });
      return result.ok ? { ok: true, value: result.value.Evaluations } : result;
    }
    case 'card':
      return bridge.call('registry.getCard', { ModelPackageArn: arn });
  }
}

/** The open version: its description, evidence, audit trail, evaluations and model card. */
export const useRegistryVersionStore = create<VersionState>()((set, get) => {
  /** Per part, the latest request; an older answer is dropped. */
  const requests: Record<PartName, number> = { description: 0, evidence: 0, audit: 0, evaluations: 0, card: 0 };

  const reload = async (part: PartName): Promise<void> => {
    const arn = get().arn;
    if (!arn) return;
    const request = ++requests[part];
    set((state) => ({ [part]: { ...state[part], loading: true } }));
    const result = await read(part, arn);
    if (request !== requests[part] || get().arn !== arn) return;
    if (!result.ok) {
      set((state) => ({ [part]: { ...state[part], loading: false, error: result.error } }));
      return;
    }
    if (part === 'card') {
      const card = result.value as ModelCard;
      // Edits in progress stay (an untouched editor follows the card main has); a draft main's card now matches is dropped.
      set((state) => {
        const draft = state.cardDrafts[arn];
        return { card: { value: card, error: null, loading: false }, ...(draft && !cardDirty(card, draft) ? { cardDrafts: withDraft(state.cardDrafts, arn, null) } : {}) };
      });
      return;
    }
    set({ [part]: { value: result.value, error: null, loading: false } });
  };

  return {
    ...closed(),
    cardDrafts: {},
    tab: 'overview',

    open(arn) {
      if (sameName(get().arn, arn)) return;
      set({ ...closed(), arn });
      for (const part of ['description', 'evidence', 'audit', 'evaluations', 'card'] as const) void reload(part);
    },

    close() {
      if (get().arn !== null) set(closed());
    },

    setTab(tab) {
      set({ tab });
    },

    reload,

    async review({ status, comment, overrideReason }) {
      const arn = get().arn;
      if (!arn) return null;
      const result = await getBridge().call('registry.updateVersion', {
        ModelPackageArn: arn,
        ModelApprovalStatus: status,
        ...(comment.trim() ? { ApprovalDescription: comment.trim() } : {}),
        ...(overrideReason !== undefined ? { LatheOverrideReason: overrideReason } : {}),
      });
      // Applied or refused, the attempt is in the audit trail. main also sends registry.changed
      // (version-updated, or approval-refused); reading now shows it without waiting for the event.
      void reload('audit');
      if (!result.ok) {
        void reload('evidence');
        return result.error;
      }
      void reload('description');
      void reload('evidence');
      return null;
    },

    editEvaluation(change) {
      set((state) => ({ evaluationDraft: { ...state.evaluationDraft, ...change } }));
    },

    async runEvaluation(request) {
      set({ evaluationSubmitting: true });
      const result = await getBridge().call('registry.evaluate', request);
      set({ evaluationSubmitting: false });
      if (!result.ok) return result.error;
      void reload('evaluations');
      return null;
    },

    editCard(field, text) {
      set((state) => {
        const current = selectCardDraft(state);
        if (!state.arn || !current) return {};
        const draft = { ...current, [field]: text };
        // Typed back to what main has: nothing unsaved is left.
        return { cardDrafts: withDraft(state.cardDrafts, state.arn, cardDirty(state.card.value, draft) ? draft : null) };
      });
    },

    async saveCard() {
      const arn = get().arn;
      const content = selectCardDraft(get());
      if (!arn || !content) return false;
      set({ cardSaving: true, cardSaveError: null });
      const result = await getBridge().call('registry.saveCard', { ModelPackageArn: arn, Content: content });
      // Saved: the draft sent is done, even if the version was closed meanwhile. What was typed
      // while saving stays a draft: only the part main has now is "saved".
      if (result.ok) set((state) => (state.cardDrafts[arn] && !cardDirty(result.value, state.cardDrafts[arn]) ? { cardDrafts: withDraft(state.cardDrafts, arn, null) } : {}));
      if (get().arn !== arn) return false;
      if (!result.ok) {
        set({ cardSaving: false, cardSaveError: result.error });
        return false;
      }
      set({ cardSaving: false, card: { value: result.value, error: null, loading: false } });
      void reload('evidence');
      return true;
    },

    discardCard() {
      const arn = get().arn;
      if (arn) set((state) => ({ cardDrafts: withDraft(state.cardDrafts, arn, null), cardSaveError: null }));
    },

    exportCard(format) {
      const arn = get().arn;
      if (!arn) return Promise.resolve({ ok: false, error: { code: 'failed-precondition', message: 'Open a version first.' } });
      return getBridge().call('registry.exportCard', { ModelPackageArn: arn, Format: format });
    },

    registryChanged(change) {
      const { arn, description } = get();
      if (!arn) return;
      const mine = sameName(change.ModelPackageArn, arn);
      // Another version of the group approved, rejected, evaluated or reported on may be (or have
      // been) the champion: the open version's deltas are read again.
      const sameGroup = mine || sameName(change.ModelPackageGroupName, description.value?.ModelPackageGroupName);
      switch (change.kind) {
        case 'version-updated':
          if (mine) {
            void reload('description');
            void reload('audit');
          }
          if (sameGroup) void reload('evidence');
          break;
        case 'approval-refused':
          // The refused attempt is a new audit row; the refusal re-checked the gates.
          if (mine) {
            void reload('audit');
            void reload('evidence');
          }
          break;
        case 'evaluation-changed':
          if (mine) void reload('evaluations');
          if (sameGroup) void reload('evidence');
          break;
        case 'report-added':
          if (mine) void reload('card');
          if (sameGroup) void reload('evidence');
          break;
        case 'card-saved':
          if (mine) {
            void reload('card');
            void reload('evidence');
          }
          break;
        case 'gates-set':
          if (sameGroup) void reload('evidence');
          break;
        default:
          break;
      }
    },
  };
});
