import { create } from 'zustand';
import type { ModelPackageSummary } from '../../main/contract/registry';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';
import { nameProblem, resourceName, workersProblem } from '../panes/endpoints/endpointFormat';
import { issuesOf } from '../panes/registry/registryFormat';
import { useEndpointsStore } from './endpointsStore';

/** The variant the wizard creates: all traffic to one model. */
export const VARIANT = 'AllTraffic';
const MAX_GROUP_PAGES = 100;

export interface DeployDraft {
  group: string;
  versionArn: string;
  name: string;
  /** As typed; checked on submit. */
  workers: string;
}

export type DeployField = 'group' | 'version' | 'name' | 'workers';
export type DeployErrors = Partial<Record<DeployField, string>>;
export type StepState = 'pending' | 'running' | 'done' | 'failed';

export interface DeployProgress {
  endpoint: string;
  model: string;
  config: string;
  steps: { model: StepState; config: StepState; endpoint: StepState };
}

export const EMPTY_DRAFT: DeployDraft = { group: '', versionArn: '', name: '', workers: '1' };

interface DeployState {
  open: boolean;
  groups: string[] | null;
  groupsError: LatheError | null;
  /** By group: its Approved versions, newest first. */
  versions: Record<string, ModelPackageSummary[]>;
  versionsLoading: boolean;
  versionsError: LatheError | null;
  draft: DeployDraft;
  errors: DeployErrors;
  /** main's error that belongs to no one field. */
  formError: LatheError | null;
  submitting: boolean;
  /** Set once the calls start: the dialog shows the steps, then the endpoint's status. */
  progress: DeployProgress | null;
  /** Opens the wizard; `preset` picks a version (for a "Deploy" elsewhere, e.g. the Registry). */
  openWizard(preset?: { group: string; versionArn: string }): void;
  close(): void;
  edit(change: Partial<DeployDraft>): void;
  selectGroup(group: string): Promise<void>;
  loadGroups(): Promise<void>;
  /** createModel → createConfig → create. The draft stays as it was whatever happens. */
  submit(): Promise<void>;
  /** From the progress back to the (kept) form. */
  backToForm(): void;
  /** The deployed endpoint failed: delete it with its config and model, and go back to the form. */
  discardFailed(): Promise<LatheError | null>;
}

/** Which field main's error is about, by the step that failed and the schema path or code. */
function fieldOf(step: 'model' | 'config' | 'endpoint', error: LatheError): DeployField | null {
  const paths = issuesOf(error).map((issue) => issue.path.join('.'));
  if (step === 'model') {
    if (paths.some((p) => p.startsWith('ModelName'))) return 'name';
    if (paths.some((p) => p.startsWith('PrimaryContainer')) || error.code === 'failed-precondition' || error.code === 'not-found') return 'version';
    if (error.code === 'conflict') return 'name';
    return null;
  }
  if (step === 'config') {
    if (paths.some((p) => p.includes('InitialInstanceCount'))) return 'workers';
    if (paths.some((p) => p.startsWith('EndpointConfigName')) || error.code === 'conflict') return 'name';
    return null;
  }
  if (paths.some((p) => p.startsWith('EndpointName')) || error.code === 'conflict') return 'name';
  return null;
}

/** The sentence a field shows for main's error: the schema issue's words where there is one. */
function fieldMessage(error: LatheError): string {
  const issue = issuesOf(error)[0];
  return issue ? issue.message : error.message;
}

let versionsRequest = 0;

/** The Deploy wizard: an Approved registry version, a name, workers; then the three calls. */
export const useEndpointsDeployStore = create<DeployState>()((set, get) => ({
  open: false,
  groups: null,
  groupsError: null,
  versions: {},
  versionsLoading: false,
  versionsError: null,
  draft: EMPTY_DRAFT,
  errors: {},
  formError: null,
  submitting: false,
  progress: null,

  openWizard(preset) {
    const finished = get().progress !== null && !get().submitting;
    // A finished deployment starts a fresh form; one left mid-way (or never sent) comes back as it was.
    set({ open: true, ...(finished ? { progress: null, draft: { ...EMPTY_DRAFT, group: get().draft.group, versionArn: get().draft.versionArn }, errors: {}, formError: null } : {}) });
    if (preset && !get().submitting) set((state) => ({ progress: null, draft: { ...state.draft, ...preset }, errors: {}, formError: null }));
    void get().loadGroups();
  },

  close() {
    set({ open: false });
  },

  edit(change) {
    set((state) => {
      const errors = { ...state.errors };
      for (const key of Object.keys(change)) delete errors[key === 'versionArn' ? 'version' : (key as DeployField)];
      return { draft: { ...state.draft, ...change }, errors };
    });
  },

  async loadGroups() {
    const groups: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_GROUP_PAGES; page++) {
      const result = await getBridge().call('registry.listGroups', { SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 100, ...(token ? { NextToken: token } : {}) });
      if (!result.ok) {
        set({ groupsError: result.error });
        return;
      }
      groups.push(...result.value.ModelPackageGroupSummaryList.map((g) => g.ModelPackageGroupName));
      token = result.value.NextToken;
      if (!token) break;
    }
    set({ groups, groupsError: null });
    const current = get().draft.group;
    const group = groups.includes(current) ? current : (groups[0] ?? '');
    if (group) await get().selectGroup(group);
  },

  async selectGroup(group) {
    const request = ++versionsRequest;
    set((state) => ({ draft: { ...state.draft, group }, versionsLoading: true, versionsError: null, errors: { ...state.errors, group: undefined, version: undefined } }));
    const result = await getBridge().call('registry.listVersions', { ModelPackageGroupName: group, ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
    if (request !== versionsRequest) return;
    if (!result.ok) {
      set({ versionsLoading: false, versionsError: result.error });
      return;
    }
    const approved = result.value.ModelPackageSummaryList.filter((v) => v.ModelApprovalStatus === 'Approved');
    set((state) => ({
      versions: { ...state.versions, [group]: approved },
      versionsLoading: false,
      // The newest Approved version, unless one of this group's is picked already.
      draft: { ...state.draft, versionArn: approved.some((v) => v.ModelPackageArn === state.draft.versionArn) ? state.draft.versionArn : (approved[0]?.ModelPackageArn ?? '') },
    }));
  },

  async submit() {
    const { draft, submitting } = get();
    if (submitting) return;
    const errors: DeployErrors = {};
    if (!draft.group) errors.group = 'Pick a model package group.';
    if (!draft.versionArn) errors.version = 'Pick an Approved version to deploy.';
    const name = draft.name.trim();
    const nameError = nameProblem(name) ?? (useEndpointsStore.getState().endpoints[name] ? `An endpoint named ${name} exists already; pick another name or update that one.` : null);
    if (nameError) errors.name = nameError;
    const workersError = workersProblem(draft.workers);
    if (workersError) errors.workers = workersError;
    set({ errors, formError: null });
    if (Object.keys(errors).length > 0) return;

    const at = new Date();
    const progress: DeployProgress = { endpoint: name, model: resourceName(name, 'model', at), config: resourceName(name, 'config', at), steps: { model: 'running', config: 'pending', endpoint: 'pending' } };
    set({ submitting: true, progress });
    const step = (key: keyof DeployProgress['steps'], state: StepState) => set((s) => (s.progress ? { progress: { ...s.progress, steps: { ...s.progress.steps, [key]: state } } } : {}));
    const bridge = getBridge();
    const failed = (key: keyof DeployProgress['steps'], error: LatheError) => {
      step(key, 'failed');
      const field = fieldOf(key, error);
      // Back to the form, values kept, main's words on the field they are about.
      set({ submitting: false, progress: null, ...(field ? { errors: { [field]: fieldMessage(error) } } : { formError: error }) });
    };

    const model = await bridge.call('endpoints.createModel', { ModelName: progress.model, PrimaryContainer: { ModelPackageName: draft.versionArn } });
    if (!model.ok) return failed('model', model.error);
    step('model', 'done');
    step('config', 'running');
    const config = await bridge.call('endpoints.createConfig', {
      EndpointConfigName: progress.config,
      ProductionVariants: [{ VariantName: VARIANT, ModelName: progress.model, InitialInstanceCount: Number(draft.workers.trim()), InitialVariantWeight: 1 }],
    });
    if (!config.ok) {
      // Nothing serves the model yet: it goes, so a retry does not leave one behind each time.
      void bridge.call('endpoints.deleteModel', { ModelName: progress.model });
      return failed('config', config.error);
    }
    step('config', 'done');
    step('endpoint', 'running');
    const endpoint = await bridge.call('endpoints.create', { EndpointName: name, EndpointConfigName: progress.config });
    if (!endpoint.ok) {
      void bridge.call('endpoints.deleteConfig', { EndpointConfigName: progress.config }).then(() => bridge.call('endpoints.deleteModel', { ModelName: progress.model }));
      return failed('endpoint', endpoint.error);
    }
    step('endpoint', 'done');
    set({ submitting: false });
    void useEndpointsStore.getState().describe(name);
  },

  backToForm() {
    if (!get().submitting) set({ progress: null });
  },

  async discardFailed() {
    const progress = get().progress;
    if (!progress || get().submitting) return null;
    set({ submitting: true });
    const error = await useEndpointsStore.getState().remove(progress.endpoint);
    if (!error) {
      const bridge = getBridge();
      await bridge.call('endpoints.deleteConfig', { EndpointConfigName: progress.config });
      await bridge.call('endpoints.deleteModel', { ModelName: progress.model });
    }
    set({ submitting: false, ...(error ? {} : { progress: null }) });
    return error;
  },
}));
