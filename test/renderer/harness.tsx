import { cleanup, render } from '@testing-library/react';
import { setBridge, type Connection } from '../../renderer/api/client';
import { App } from '../../renderer/App';
import { useAppInfoStore } from '../../renderer/state/appInfoStore';
import { useConnectionStore } from '../../renderer/state/connectionStore';
import { useEventsStore } from '../../renderer/state/eventsStore';
import { useFilesStore } from '../../renderer/state/filesStore';
import { useJobDetailStore } from '../../renderer/state/jobDetailStore';
import { useJobsStore } from '../../renderer/state/jobsStore';
import { useSettingsStore } from '../../renderer/state/settingsStore';
import { useSystemStore } from '../../renderer/state/systemStore';
import { useWorkbenchStore } from '../../renderer/state/workbenchStore';
import { FakeBridge } from './fakeBridge';

const RESETS = [
  () => useSystemStore.setState(useSystemStore.getInitialState(), true),
  () => useSettingsStore.setState(useSettingsStore.getInitialState(), true),
  () => useEventsStore.setState(useEventsStore.getInitialState(), true),
  () => useWorkbenchStore.setState(useWorkbenchStore.getInitialState(), true),
  () => useConnectionStore.setState(useConnectionStore.getInitialState(), true),
  () => useAppInfoStore.setState(useAppInfoStore.getInitialState(), true),
  () => useJobsStore.setState(useJobsStore.getInitialState(), true),
  () => {
    useJobDetailStore.getState().close();
    useJobDetailStore.setState(useJobDetailStore.getInitialState(), true);
  },
  () => useFilesStore.setState(useFilesStore.getInitialState(), true),
];

/** Every store back to its initial state, the bridge forgotten, <html> markers cleared. */
export function resetRenderer(): void {
  cleanup();
  for (const reset of RESETS) reset();
  setBridge(null);
  delete document.documentElement.dataset.appState;
  delete document.documentElement.dataset.theme;
}

export function renderApp(bridge = new FakeBridge(), connection?: Connection) {
  setBridge(bridge, connection);
  return { bridge, ...render(<App />) };
}
