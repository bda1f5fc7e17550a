import { create } from 'zustand';
import type { GroupGates, ModelPackageDescription, ModelPackageGroupDescription, ModelPackageSummary, RegistryChange } from '../../main/contract/registry';
import type { SetGatesRequest } from '../../main/contract/registrySchemas';
import type { LatheError, Result } from '../../main/contract/result';
import { getBridge } from '../api/client';
import { sameName } from '../panes/registry/registryFormat';
import { useRegistryVersionStore } from './registryVersionStore';

/** Versions fetched per page (the contract's maximum). */
export const VERSIONS_PAGE = 100;
/** Group pages fetched at most (10,000 groups); the same cap holds for versions read again. */
const MAX_GROUP_PAGES = 100;
/** Groups whose versions are counted for the list; beyond this the count is left out. */
const COUNTED_GROUPS = 50;

export interface VersionCount {
  count: number;
  /** More than one page: shown as "100+". */
  more: boolean;
}

interface RegistryState {
  groups: ModelPackageGroupDescription[];
  groupsLoading: boolean;
  groupsLoaded: boolean;
  groupsError: LatheError | null;
  /** By group name; absent while counting or for groups past COUNTED_GROUPS. */
  versionCounts: Record<string, VersionCount>;
  selectedGroup: string | null;
  versions: ModelPackageSummary[];
  versionsNextToken: string | null;
  versionsLoading: boolean;
  versionsError: LatheError | null;
  /** Each listed version described, by ARN: the table's metrics come from its evidence. */
  versionDetails: Record<string, ModelPackageDescription>;
  gates: GroupGates | null;
  gatesError: LatheError | null;
  loadGroups(): Promise<void>;
  ensureLoaded(): void;
  /**
   * Shows the group's versions and gates (and closes an open version). The current group stays as it
   * is, its open version included; only what failed to load is read again.
   */
  selectGroup(name: string): Promise<void>;
  /** Reads the listed versions again: as many rows as are loaded, older pages included. */
  reloadVersions(): Promise<void>;
  loadMoreVersions(): Promise<void>;
  reloadGates(): Promise<void>;
  /** Answers main's error for the editor to show, or null once saved. */
  saveGates(request: SetGatesRequest): Promise<LatheError | null>;
  /** From main's registry.changed. */
  registryChanged(change: RegistryChange): void;
}

async function listAllGroups(): Promise<Result<ModelPackageGroupDescription[]>> {
  const groups: ModelPackageGroupDescription[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_GROUP_PAGES; page++) {
    const result = await getBridge().call('registry.listGroups', { SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 100, ...(token ? { NextToken: token } : {}) });
    if (!result.ok) return result;
    groups.push(...result.value.ModelPackageGroupSummaryList);
    token = result.value.NextToken;
    if (!token) break;
  }
  return { ok: true, value: groups };
}

/** Increases with every versions (or gates) request; an answer to an older one is dropped. */
let versionsRequest = 0;
let gatesRequest = 0;
let groupsRequest = 0;

/** Model package groups, the selected group's versions and gates, kept live by registry.changed. */
export const useRegistryStore = create<RegistryState>()((set, get) => {
  const countVersions = async (groups: ModelPackageGroupDescription[]) => {
    const counted = await Promise.all(
      groups.slice(0, COUNTED_GROUPS).map(async (group) => {
        const result = await getBridge().call('registry.listVersions', { ModelPackageGroupName: group.ModelPackageGroupName, MaxResults: VERSIONS_PAGE });
        return result.ok ? ([group.ModelPackageGroupName, { count: result.value.ModelPackageSummaryList.length, more: result.value.NextToken !== undefined }] as const) : null;
      }),
    );
    set({ versionCounts: Object.fromEntries(counted.filter((entry) => entry !== null)) });
  };

  const describeAll = async (versions: ModelPackageSummary[], request: number) => {
    if (versions.length === 0) return;
    const described = await Promise.all(versions.map((v) => getBridge().call('registry.describeVersion', { ModelPackageName: v.ModelPackageArn })));
    if (request !== versionsRequest) return;
    set((state) => {
      const details = { ...state.versionDetails };
      for (const result of described) if (result.ok) details[result.value.ModelPackageArn] = result.value;
      return { versionDetails: details };
    });
  };

  /**
   * 'first': the newest page. 'more': the page after the last one loaded. 'again': from the top, as
   * many rows as are loaded (so "Show older versions" rows stay); it describes the rows not yet
   * described and `changed`, or every row when `changed` is 'all'.
   */
  const fetchVersions = async (mode: 'first' | 'more' | 'again', changed: string | 'all' = 'all'): Promise<void> => {
    const group = get().selectedGroup;
    if (!group) return;
    const request = ++versionsRequest;
    const wanted = mode === 'again' ? get().versions.length : 1;
    let token = mode === 'more' ? get().versionsNextToken : null;
    set({ versionsLoading: true });
    const fetched: ModelPackageSummary[] = [];
    for (let page = 0; page < MAX_GROUP_PAGES; page++) {
      const result = await getBridge().call('registry.listVersions', {
        ModelPackageGroupName: group,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: VERSIONS_PAGE,
        ...(token ? { NextToken: token } : {}),
      });
      if (request !== versionsRequest) return;
      if (!result.ok) {
        set({ versionsLoading: false, versionsError: result.error });
        return;
      }
      // A version created between two pages shifts a row onto the next page: list it once.
      fetched.push(...result.value.ModelPackageSummaryList.filter((v) => !fetched.some((w) => w.ModelPackageArn === v.ModelPackageArn)));
      token = result.value.NextToken ?? null;
      if (!token || fetched.length >= wanted) break;
    }
    const known = get().versionDetails;
    set((state) => ({
      versions: mode === 'more' ? [...state.versions, ...fetched.filter((v) => !state.versions.some((w) => w.ModelPackageArn === v.ModelPackageArn))] : fetched,
      versionsNextToken: token,
      versionsLoading: false,
      versionsError: null,
    }));
    const toDescribe = mode !== 'again' || changed === 'all' ? fetched : fetched.filter((v) => !known[v.ModelPackageArn] || sameName(v.ModelPackageArn, changed));
    await describeAll(toDescribe, request);
  };

  return {
    groups: [],
    groupsLoading: false,
    groupsLoaded: false,
    groupsError: null,
    versionCounts: {},
    selectedGroup: null,
    versions: [],
    versionsNextToken: null,
    versionsLoading: false,
    versionsError: null,
    versionDetails: {},
    gates: null,
    gatesError: null,

    async loadGroups() {
      const request = ++groupsRequest;
      set({ groupsLoading: true });
      const result = await listAllGroups();
      if (request !== groupsRequest) return;
      if (!result.ok) {
        set({ groupsLoading: false, groupsError: result.error });
        return;
      }
      const groups = result.value;
      set({ groups, groupsLoading: false, groupsLoaded: true, groupsError: null });
      const selected = get().selectedGroup;
      if (selected && !groups.some((g) => sameName(g.ModelPackageGroupName, selected))) {
        set({ selectedGroup: null, versions: [], versionDetails: {}, gates: null });
        useRegistryVersionStore.getState().close();
      }
      if (!get().selectedGroup && groups[0]) void get().selectGroup(groups[0].ModelPackageGroupName);
      await countVersions(groups);
    },

    ensureLoaded() {
      const { groupsLoaded, groupsLoading } = get();
      if (!groupsLoaded && !groupsLoading) void get().loadGroups();
    },

    async selectGroup(name) {
      if (sameName(get().selectedGroup, name)) {
        const { versionsError, gatesError } = get();
        await Promise.all([versionsError ? fetchVersions('again') : null, gatesError ? get().reloadGates() : null]);
        return;
      }
      useRegistryVersionStore.getState().close();
      set({ selectedGroup: name, versions: [], versionsNextToken: null, versionDetails: {}, versionsError: null, gates: null, gatesError: null });
      await Promise.all([fetchVersions('first'), get().reloadGates()]);
    },

    reloadVersions: () => fetchVersions('again'),

    loadMoreVersions: () => fetchVersions('more'),

    async reloadGates() {
      const group = get().selectedGroup;
      if (!group) return;
      const request = ++gatesRequest;
      const result = await getBridge().call('registry.getGates', { ModelPackageGroupName: group });
      if (request !== gatesRequest || !sameName(get().selectedGroup, group)) return;
      set(result.ok ? { gates: result.value, gatesError: null } : { gatesError: result.error });
    },

    async saveGates(request) {
      const result = await getBridge().call('registry.setGates', request);
      if (!result.ok) return result.error;
      if (sameName(get().selectedGroup, request.ModelPackageGroupName)) set({ gates: result.value, gatesError: null });
      return null;
    },

    registryChanged(change) {
      const state = get();
      if (!state.groupsLoaded) return;
      const selected = sameName(change.ModelPackageGroupName, state.selectedGroup);
      switch (change.kind) {
        case 'group-created':
          void get().loadGroups();
          break;
        case 'version-created':
          void countVersions(state.groups);
          if (selected) void fetchVersions('again', change.ModelPackageArn);
          break;
        case 'version-updated':
          if (selected) void fetchVersions('again', change.ModelPackageArn);
          break;
        case 'gates-set':
          if (selected) void get().reloadGates();
          break;
        default:
          break;
      }
    },
  };
});
