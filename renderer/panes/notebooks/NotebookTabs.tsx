import { useRef, useState, type KeyboardEvent } from 'react';
import { X } from 'lucide-react';
import type { LatheError } from '../../../main/contract/result';
import { isDirty, useNotebookDocsStore } from '../../state/notebooksDocStore';
import { ConfirmDialog } from './ConfirmDialog';

const nameOf = (path: string) => path.split('/').pop() ?? path;

/**
 * The open notebooks as tabs (arrow keys move between them), each with its dirty marker and a
 * close button. Closing saves first; when that fails, it asks before dropping the changes.
 */
export function NotebookTabs() {
  const order = useNotebookDocsStore((s) => s.order);
  const active = useNotebookDocsStore((s) => s.active);
  const docs = useNotebookDocsStore((s) => s.docs);
  const activate = useNotebookDocsStore((s) => s.activate);
  const close = useNotebookDocsStore((s) => s.close);
  const listRef = useRef<HTMLDivElement>(null);
  const [unsaved, setUnsaved] = useState<{ path: string; error: LatheError } | null>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = active ? order.indexOf(active) : -1;
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: order.length - 1 };
    if (!(event.key in moves) || !(event.target as HTMLElement).matches('[role="tab"]')) return;
    event.preventDefault();
    const next = (moves[event.key]! + order.length) % order.length;
    activate(order[next]!);
    listRef.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[next]?.focus();
  };

  const closeTab = async (path: string) => {
    const error = await close(path);
    if (error) setUnsaved({ path, error });
  };

  return (
    <>
      <div className="nb-tabs" role="tablist" aria-label="Open notebooks" ref={listRef} onKeyDown={onKeyDown}>
        {order.map((path) => {
          const dirty = isDirty(docs[path]);
          const selected = path === active;
          return (
            <div key={path} className="nb-tab" data-selected={selected ? 'true' : undefined}>
              <button
                type="button"
                role="tab"
                className="nb-tab-button"
                aria-selected={selected}
                tabIndex={selected ? 0 : -1}
                title={path}
                onClick={() => activate(path)}
                onAuxClick={(e) => e.button === 1 && void closeTab(path)}
              >
                {nameOf(path)}
                {dirty && (
                  <span className="nb-dirty" data-testid="dirty-marker" aria-label="unsaved changes" title="Unsaved changes">
                    ●
                  </span>
                )}
              </button>
              <button type="button" className="nb-tab-close" aria-label={`Close ${nameOf(path)}`} title="Close (saves first)" onClick={() => void closeTab(path)}>
                <X size={12} aria-hidden="true" />
              </button>
            </div>
          );
        })}
      </div>
      {unsaved && (
        <ConfirmDialog
          title={`Close ${nameOf(unsaved.path)} without saving?`}
          confirmLabel="Close without saving"
          danger
          onCancel={() => setUnsaved(null)}
          onConfirm={() => {
            const path = unsaved.path;
            setUnsaved(null);
            void close(path, { discard: true });
          }}
        >
          <p>It could not be saved: {unsaved.error.message}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
