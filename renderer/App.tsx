import { useEffect } from 'react';
import { getBridge, getConnection } from './api/client';
import { Workbench } from './components/Workbench';
import { useAppState } from './state/appState';
import { startWorkbench } from './state/subscriptions';
import { useWorkbenchStore } from './state/workbenchStore';

/** Wires the stores to main for as long as it is mounted, and keeps <html> attributes in step. */
export function App() {
  const appState = useAppState();
  const theme = useWorkbenchStore((s) => s.resolvedTheme);

  useEffect(() => startWorkbench(getBridge(), getConnection()), []);

  useEffect(() => {
    document.documentElement.dataset.appState = appState;
    // The first-render figure `npm run bench` reports.
    if (appState === 'ready' && performance.getEntriesByName('lathe:ready').length === 0) performance.mark('lathe:ready');
  }, [appState]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);

  return <Workbench />;
}
