/** What the command palette offers. Navigation comes from the pane registry. */
import { PANES } from '../panes/registry';
import { useJobsStore } from '../state/jobsStore';
import { useNotebooksStore } from '../state/notebooksStore';
import { useSettingsStore } from '../state/settingsStore';
import { useSystemStore } from '../state/systemStore';
import { useWorkbenchStore } from '../state/workbenchStore';

export interface Command {
  id: string;
  title: string;
  group: 'Go to' | 'Jobs' | 'Notebooks' | 'System' | 'Theme';
  keywords: string[];
  run(): void;
}

export function buildCommands(): Command[] {
  const navigation: Command[] = PANES.map((pane) => ({
    id: `go.${pane.id}`,
    title: `Go to ${pane.title}`,
    group: 'Go to',
    keywords: ['pane', 'open', pane.id],
    run: () => useWorkbenchStore.getState().showPane(pane.id),
  }));
  const theme = (value: 'light' | 'dark' | 'system', label: string): Command => ({
    id: `theme.${value}`,
    title: `Theme: ${label}`,
    group: 'Theme',
    keywords: ['appearance', 'colour', 'color', 'mode'],
    run: () => void useSettingsStore.getState().update({ theme: value }),
  });
  return [
    ...navigation,
    {
      id: 'jobs.create',
      title: 'New training job',
      group: 'Jobs',
      keywords: ['train', 'create', 'xgboost', 'script', 'model'],
      run: () => {
        useJobsStore.getState().show({ mode: 'create', from: null, back: null });
        useWorkbenchStore.getState().showPane('jobs');
      },
    },
    {
      id: 'notebooks.create',
      title: 'New notebook',
      group: 'Notebooks',
      keywords: ['ipynb', 'jupyter', 'create', 'kernel', 'python'],
      run: () => {
        useWorkbenchStore.getState().showPane('notebooks');
        void useNotebooksStore.getState().newNotebook();
      },
    },
    {
      id: 'system.refresh',
      title: 'Refresh system info',
      group: 'System',
      keywords: ['reload', 'probe', 'gpu', 'python', 'docker'],
      run: () => void useSystemStore.getState().load(true),
    },
    theme('light', 'Light'),
    theme('dark', 'Dark'),
    theme('system', 'Follow system'),
  ];
}
