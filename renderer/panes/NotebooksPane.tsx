import { useEffect, type KeyboardEvent } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { useNotebookDocsStore } from '../state/notebooksDocStore';
import { useNotebooksStore } from '../state/notebooksStore';
import { EnvironmentPanel } from './notebooks/EnvironmentPanel';
import { FileBrowser } from './notebooks/FileBrowser';
import { NotebookEditor } from './notebooks/NotebookEditor';
import { isSaveKey } from './notebooks/notebookKeys';
import { NotebookTabs } from './notebooks/NotebookTabs';
import '../styles/notebooks.css';
import '../styles/notebookCells.css';

/**
 * Notebooks: the environment and its Jupyter server on top, the workspace's files on the left,
 * the open notebooks (tabs) on the right. Opening a notebook starts the server when it is stopped;
 * Ctrl+S saves the notebook shown.
 */
export function NotebooksPane() {
  const ensureLoaded = useNotebooksStore((s) => s.ensureLoaded);
  const ensureServer = useNotebooksStore((s) => s.ensureServer);
  const serverKnown = useNotebooksStore((s) => s.server !== null && s.environment !== null);
  const order = useNotebookDocsStore((s) => s.order);
  const active = useNotebookDocsStore((s) => s.active);
  const anyOpen = order.length > 0;

  useEffect(() => ensureLoaded(), [ensureLoaded]);
  useEffect(() => {
    if (anyOpen && serverKnown) ensureServer();
  }, [anyOpen, serverKnown, ensureServer]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (!isSaveKey(event) || !active) return;
    event.preventDefault();
    void useNotebookDocsStore.getState().save(active);
  };

  return (
    <div className="notebooks-pane" onKeyDown={onKeyDown}>
      <EnvironmentPanel />
      <Group orientation="horizontal" className="split notebooks-split">
        <Panel id="notebooks-files" defaultSize="24%" minSize={180} maxSize="45%" className="split-panel">
          <FileBrowser />
        </Panel>
        <Separator className="split-handle" aria-label="Resize the file browser" />
        <Panel id="notebooks-open" minSize="40%" className="split-panel">
          {anyOpen ? (
            <div className="nb-open">
              <NotebookTabs />
              {order.map((path) => (
                <NotebookEditor key={path} path={path} active={path === active} />
              ))}
            </div>
          ) : (
            <div className="empty-state nb-no-notebook" data-testid="notebooks-empty">
              <p>No notebook open.</p>
              <p className="muted">
                Open one from the workspace on the left, or create one with <strong>New notebook</strong>. Cells run in a Jupyter kernel of the environment above; the <code>lathe</code> SDK is
                importable there.
              </p>
              <p className="muted">Keys: Shift+Enter runs a cell and moves on, Esc then A/B inserts, D D deletes, M/Y switch Markdown/code, Ctrl+S saves.</p>
            </div>
          )}
        </Panel>
      </Group>
    </div>
  );
}
