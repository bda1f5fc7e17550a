import { Suspense } from 'react';
import { paneById } from '../panes/registry';
import { useWorkbenchStore } from '../state/workbenchStore';
import { ActivityBar } from './ActivityBar';
import { CommandPalette } from './CommandPalette';
import { StatusBar } from './StatusBar';
import { useGlobalShortcuts } from './useGlobalShortcuts';

/** Activity bar, the active pane, the status bar and the command palette. */
export function Workbench() {
  const activePane = useWorkbenchStore((s) => s.activePane);
  const pane = paneById(activePane);
  const Pane = pane.component;
  useGlobalShortcuts();

  return (
    <div className="workbench">
      <ActivityBar />
      <main className="main-area" aria-label={pane.title} data-pane={pane.id}>
        <Suspense fallback={<div className="pane-loading" role="status">Loading {pane.title}…</div>}>
          <Pane />
        </Suspense>
      </main>
      <StatusBar />
      <CommandPalette />
    </div>
  );
}
