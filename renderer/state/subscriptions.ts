/**
 * The one module that listens to main: bridge events and the connection state feed the stores,
 * and the system colour scheme feeds the workbench theme. `startWorkbench` also loads the first
 * snapshot and reloads everything after a lost connection comes back (events were missed).
 */
import type { LatheBridge } from '../../main/contract/bridge';
import type { Connection } from '../api/client';
import { closeNotebookKernels } from '../panes/notebooks/kernelOwner';
import { useAppInfoStore } from './appInfoStore';
import { useConnectionStore } from './connectionStore';
import { useEndpointsStore } from './endpointsStore';
import { useEventsStore } from './eventsStore';
import { useExperimentsStore } from './experimentsStore';
import { useJobDetailStore } from './jobDetailStore';
import { useJobsStore } from './jobsStore';
import { useNotebookDocsStore } from './notebooksDocStore';
import { useNotebooksStore } from './notebooksStore';
import { useRegistryStore } from './registryStore';
import { useRegistryVersionStore } from './registryVersionStore';
import { useSettingsStore } from './settingsStore';
import { useSystemStore } from './systemStore';
import { useWorkbenchStore, type ResolvedTheme } from './workbenchStore';

export function loadAll(): Promise<void> {
  return Promise.all([
    useSystemStore.getState().load(),
    useSettingsStore.getState().load(),
    useEventsStore.getState().load(),
    useAppInfoStore.getState().load(),
  ]).then(() => undefined);
}

/** After a lost connection: what the Jobs pane had loaded, again (events were missed meanwhile). */
function reloadJobs(): void {
  if (useJobsStore.getState().loaded) void useJobsStore.getState().load();
  const detail = useJobDetailStore.getState();
  const job = detail.job;
  if (job) {
    detail.close();
    useJobDetailStore.getState().open(job);
  }
}

/** After a lost connection: what the Registry pane had loaded, again. */
function reloadRegistry(): void {
  const registry = useRegistryStore.getState();
  if (!registry.groupsLoaded) return;
  void registry.loadGroups();
  void registry.reloadVersions();
  void registry.reloadGates();
  const version = useRegistryVersionStore.getState();
  if (version.arn) for (const part of ['description', 'evidence', 'audit', 'evaluations', 'card'] as const) void version.reload(part);
}

/** After a lost connection: the endpoints the pane had loaded, and the open one, again. */
function reloadEndpoints(): void {
  const endpoints = useEndpointsStore.getState();
  if (endpoints.loaded) void endpoints.load();
  else if (endpoints.view.mode === 'detail') void endpoints.describe(endpoints.view.name);
}

function watchTheme(): () => void {
  const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const systemTheme = (): ResolvedTheme => (query?.matches ? 'dark' : 'light');
  const apply = () => {
    const setting = useSettingsStore.getState().settings?.theme ?? 'system';
    useWorkbenchStore.getState().themeChanged(systemTheme(), setting);
  };
  apply();
  query?.addEventListener('change', apply);
  const unsubscribeSettings = useSettingsStore.subscribe((state, previous) => {
    if (state.settings?.theme !== previous.settings?.theme) apply();
  });
  return () => {
    query?.removeEventListener('change', apply);
    unsubscribeSettings();
  };
}

/** Wires the stores to `bridge` and loads the first snapshot. Returns the teardown. */
export function startWorkbench(bridge: LatheBridge, connection: Connection): () => void {
  const connectionStore = useConnectionStore.getState();
  connectionStore.attached(connection);
  let lost = false;
  const disposers = [
    bridge.on('system.changed', (info) => useSystemStore.getState().received(info)),
    bridge.on('settings.changed', (settings) => useSettingsStore.getState().received(settings)),
    bridge.on('events.changed', (entry) => useEventsStore.getState().received(entry)),
    bridge.on('jobs.changed', (job) => {
      useJobsStore.getState().received(job);
      useJobDetailStore.getState().jobChanged(job);
    }),
    bridge.on('jobs.log', (line) => useJobDetailStore.getState().receivedLog(line)),
    bridge.on('experiments.changed', (change) => useExperimentsStore.getState().experimentChanged(change)),
    bridge.on('registry.changed', (change) => {
      useRegistryStore.getState().registryChanged(change);
      useRegistryVersionStore.getState().registryChanged(change);
    }),
    bridge.on('endpoints.changed', (change) => useEndpointsStore.getState().endpointChanged(change)),
    bridge.on('notebooks.changed', (change) => {
      useNotebooksStore.getState().notebooksChanged(change);
      useNotebookDocsStore.getState().notebookChanged(change);
    }),
    connection.onChange((state) => {
      useConnectionStore.getState().changed(state);
      if (state === 'reconnecting') lost = true;
      if (state === 'open' && lost) {
        lost = false;
        void loadAll();
        reloadJobs();
        reloadRegistry();
        reloadEndpoints();
        if (useNotebooksStore.getState().loaded) void useNotebooksStore.getState().refresh();
      }
    }),
    watchTheme(),
    // The open notebooks' kernel connections (their sessions keep running on the server).
    closeNotebookKernels,
  ];
  void loadAll();
  return () => {
    for (const dispose of disposers.reverse()) dispose();
  };
}
